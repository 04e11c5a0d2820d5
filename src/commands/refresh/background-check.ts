// The 1-minute background run: returns at once unless auto-refresh is on; then reconciles tunnel states so dead
// workers show as stopped. Token refresh itself plugs in here when the SSO engine's runner is wired.
import type { Env } from "../../lib/home";
import type { Settings } from "../../lib/settings";
import { tunnelStatuses } from "../../lib/tunnels/supervisor";

export type BackgroundCheck = { ran: false; reason: "auto-refresh off" } | { ran: true; tunnels: number };

export async function backgroundCheck(env: Env, settings: Settings): Promise<BackgroundCheck> {
  if (!settings.autoRefresh) return { ran: false, reason: "auto-refresh off" };
  return { ran: true, tunnels: tunnelStatuses({ env }).length };
}
