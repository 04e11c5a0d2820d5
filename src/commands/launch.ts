// Launching the extension's other commands. Raycast throws for a disabled or never-activated command (raycast.md
// §4.2), so every launch is guarded.
import { LaunchType, launchCommand } from "@raycast/api";

/** Lets the menu bar re-read state now rather than at its next interval; it may be disabled, so failures are fine. */
export async function refreshMenuBar(): Promise<void> {
  try {
    await launchCommand({ name: "tunnel-status", type: LaunchType.Background });
  } catch {
    // not activated yet: it shows the change at its next run
  }
}
