// Raycast entry: Refresh Tokens (no-view, every minute). No toasts: background runs have no window.
import { backgroundCheck } from "./commands/refresh/background-check";
import { readSettings } from "./commands/settings";

export default async function Command() {
  await backgroundCheck(process.env, readSettings());
}
