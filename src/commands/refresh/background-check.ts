// The 1-minute background run (raycast.md §10.2): returns at once unless auto-refresh is on; then reconciles tunnel
// states (dead workers show as stopped) and refreshes the SSO sessions that saved tunnels use, when due. The token
// mirrors follow the cache files after every run, refresh or not.
import { groupFor, loadAwsConfig } from "../../lib/aws";
import type { Env } from "../../lib/home";
import { needsSignIn, UNUSABLE_TOKEN_STATES } from "../../lib/sso/needs-sign-in";
import type { Settings } from "../../lib/settings";
import { RefreshRunner, type RefreshRunnerDeps, type SessionCheck } from "../../lib/sso/refresh-runner";
import { loadTunnels } from "../../lib/tunnels/store";
import { tunnelStatuses } from "../../lib/tunnels/supervisor";
import { syncMirrors, type MirrorSync } from "../mirrors/sync-mirrors";

export type BackgroundCheck =
  { ran: false; reason: "auto-refresh off" } | { ran: true; tunnels: number; sessions: SessionCheck[] };

export async function backgroundCheck(
  env: Env,
  settings: Settings,
  deps: Pick<RefreshRunnerDeps, "createToken" | "now" | "endpoints"> = {},
): Promise<BackgroundCheck> {
  if (!settings.autoRefresh) return { ran: false, reason: "auto-refresh off" };
  const tunnels = (await tunnelStatuses({ env })).length;

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

/**
 * Refresh (when auto-refresh is on), then the mirrors. The mirrors run even with auto-refresh off: a logout or a
 * sign-in by the AWS CLI must still reach LocalStorage and the Keychain, and reconciling makes no network call; only
 * the refresh itself is what the preference turns off.
 */
export async function backgroundRun(
  env: Env,
  settings: Settings,
  deps: Pick<RefreshRunnerDeps, "createToken" | "now" | "endpoints"> = {},
): Promise<{ check: BackgroundCheck; mirrors: MirrorSync }> {
  const refresh = await backgroundCheck(env, settings, deps).then(
    (check) => ({ check }),
    (error: unknown) => ({ error }),
  );
  const mirrors = await syncMirrors(env, settings, deps.now);
  if ("error" in refresh) throw refresh.error;
  return { check: refresh.check, mirrors };
}

/** Root-search subtitle of the command: what needs the user, else a paused mirror, or nothing. */
export function backgroundSubtitle(check: BackgroundCheck, mirrors?: MirrorSync): string | null {
  const signIns = check.ran ? check.sessions.filter(needsSignIn).length : 0;
  if (signIns > 0) return `${signIns} SSO session${signIns === 1 ? "" : "s"} need${signIns === 1 ? "s" : ""} sign-in`;
  return mirrors?.note ?? null;
}

/** One line for a run the user started: "2 SSO sessions checked · 1 refreshed · 1 needs sign-in". */
export function handRunSummary(check: BackgroundCheck, mirrors?: MirrorSync): string {
  if (!check.ran) return "Automatic token refresh is off (Refresh Tokens preferences)";
  const n = check.sessions.length;
  if (n === 0) return "No saved tunnel uses an SSO session: nothing to refresh";
  const refreshed = check.sessions.filter((s) => s.refreshed || s.adopted).length;
  const signIns = check.sessions.filter(needsSignIn).length;
  // Expired, but a silent refresh keeps trying through an outage: nothing for the user to do, yet not valid either.
  const retrying = check.sessions.filter((s) => UNUSABLE_TOKEN_STATES.has(s.state) && !needsSignIn(s)).length;
  return [
    `${n} SSO session${n === 1 ? "" : "s"} checked`,
    refreshed > 0 ? `${refreshed} refreshed` : undefined,
    signIns > 0 ? `${signIns} need${signIns === 1 ? "s" : ""} sign-in` : undefined,
    retrying > 0 ? `${retrying} refresh${retrying === 1 ? "" : "es"} retrying` : undefined,
    signIns + retrying + refreshed === 0 ? "all valid" : undefined,
    mirrors?.note,
  ]
    .filter(Boolean)
    .join(" · ");
}
