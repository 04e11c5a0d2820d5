// Raycast entry: Refresh Tokens (no-view, every minute). Silent in the background; run by hand, it says what it did.
import { LaunchType, environment, launchCommand, showHUD, updateCommandMetadata } from "@raycast/api";
import { markRan } from "./commands/first-run";
import { backgroundRun, backgroundSubtitle, handRunSummary } from "./commands/refresh/background-check";
import { readSettings } from "./commands/settings";

export default async function Command() {
  await markRan("refresh-tokens");
  const { check, mirrors } = await backgroundRun(process.env, readSettings());
  await updateCommandMetadata({ subtitle: backgroundSubtitle(check, mirrors) });
  if (check.ran && check.sessions.length > 0) {
    try {
      // Let the menu bar show refreshed tokens or the sign-in badge now rather than at its own next run.
      await launchCommand({ name: "tunnel-status", type: LaunchType.Background });
    } catch {
      // tunnel-status not activated yet (raycast.md §4.2)
    }
  }
  // Background runs have no window to speak to; a run the user started gets one line (showHUD closes the window).
  if (environment.launchType === LaunchType.UserInitiated) await showHUD(handRunSummary(check, mirrors));
}
