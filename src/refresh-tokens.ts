// Raycast entry: Refresh Tokens (no-view, every minute). No toasts: background runs have no window.
import { LaunchType, launchCommand, updateCommandMetadata } from "@raycast/api";
import { backgroundRun, backgroundSubtitle } from "./commands/refresh/background-check";
import { readSettings } from "./commands/settings";

export default async function Command() {
  const { check, mirrors } = await backgroundRun(process.env, readSettings());
  await updateCommandMetadata({ subtitle: backgroundSubtitle(check, mirrors) });
  if (!check.ran || check.sessions.length === 0) return;
  try {
    // Let the menu bar show refreshed tokens or the sign-in badge now rather than at its own next run.
    await launchCommand({ name: "tunnel-status", type: LaunchType.Background });
  } catch {
    // tunnel-status not activated yet (raycast.md §4.2)
  }
}
