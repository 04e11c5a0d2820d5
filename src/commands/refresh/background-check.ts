// The 1-minute background run (raycast.md §10.2): returns at once unless auto-refresh is on; then reconciles tunnel
// states (dead workers show as stopped) and refreshes the SSO sessions that saved tunnels use, when due.
import { groupFor, loadAwsConfig } from "../../lib/aws";
import type { Env } from "../../lib/home";
import type { Settings } from "../../lib/settings";
import { RefreshRunner, type RefreshRunnerDeps, type SessionCheck } from "../../lib/sso/refresh-runner";
import { loadTunnels } from "../../lib/tunnels/store";
import { tunnelStatuses } from "../../lib/tunnels/supervisor";

export type BackgroundCheck =
  { ran: false; reason: "auto-refresh off" } | { ran: true; tunnels: number; sessions: SessionCheck[] };

const NEEDS_SIGN_IN = new Set(["auth-required", "expired", "signed-out"]);

export async function backgroundCheck(
  env: Env,
  settings: Settings,
  deps: Pick<RefreshRunnerDeps, "createToken" | "now" | "endpoints"> = {},
): Promise<BackgroundCheck> {
  if (!settings.autoRefresh) return { ran: false, reason: "auto-refresh off" };
  const tunnels = tunnelStatuses({ env }).length;

  const [{ tunnels: saved }, config] = await Promise.all([
    loadTunnels(env),
    loadAwsConfig({ env, override: settings.awsConfigFile }),
  ]);
  // Only sessions in use: a profile nobody tunnels through is left to the AWS CLI.
  const inUse = new Set(saved.map((t) => groupFor(config, t.profile)?.tokenCacheKey).filter(Boolean));
  const runner = new RefreshRunner({ env, settings, ...deps });
  const sessions = inUse.size > 0 ? await runner.checkAll(config, { only: (g) => inUse.has(g.tokenCacheKey) }) : [];
  return { ran: true, tunnels, sessions };
}

/** Root-search subtitle of the command: what needs the user, or nothing. */
export function backgroundSubtitle(check: BackgroundCheck): string | null {
  if (!check.ran) return null;
  const signIns = check.sessions.filter((s) => NEEDS_SIGN_IN.has(s.state)).length;
  return signIns > 0
    ? `${signIns} SSO session${signIns === 1 ? "" : "s"} need${signIns === 1 ? "s" : ""} sign-in`
    : null;
}
