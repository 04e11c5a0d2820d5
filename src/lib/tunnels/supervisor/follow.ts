// Follows a tunnel's state file until it settles (connected, auth-required, error, stopped): what `connect` and the
// Raycast toast show while the worker starts.
import type { Env } from "../../home";
import { reconcile } from ".";
import { readState, type TunnelState, type TunnelStatus } from "../state";

export const SETTLED: readonly TunnelStatus[] = ["connected", "auth-required", "error", "stopped"];

/** How long a browser sign-in may take (the login's own timeout, LOGIN_TIMEOUT_MS in sso/login). */
export const LOGIN_WINDOW_MS = 10 * 60_000;
/** Slack after the login window for the worker to write its outcome. */
const LOGIN_GRACE_MS = 30_000;

export interface FollowOptions {
  env: Env;
  until?: readonly TunnelStatus[];
  /**
   * Longest wait without a status change outside a sign-in (default 120 s). While the worker waits in
   * `authenticating` the user is in the browser, so the login's own window applies instead.
   */
  timeoutMs?: number;
  /** State file reads (cheap); default 200 ms. */
  pollMs?: number;
  /** Liveness checks of the worker (a process listing, `ps` on macOS); default 1 s. */
  livenessMs?: number;
  signal?: AbortSignal;
  /** Called for every change worth showing (status, login prompt, error). */
  onChange?: (state: TunnelState) => void;
  /** Only states written at or after this time count (ignores the previous run's state). */
  notBefore?: Date;
}

function fingerprint(s: TunnelState): string {
  return JSON.stringify([s.status, s.login, s.lastError, s.localAddress, s.sessionId]);
}

/** Resolves with the first settled state; rejects on timeout or abort. A worker that dies settles as `stopped`. */
export async function followTunnel(id: string, options: FollowOptions): Promise<TunnelState> {
  const until = options.until ?? SETTLED;
  const pollMs = options.pollMs ?? 200;
  const livenessMs = options.livenessMs ?? 1000;
  const phaseTimeout = (status?: TunnelStatus) =>
    status === "authenticating"
      ? Math.max(options.timeoutMs ?? 0, LOGIN_WINDOW_MS + LOGIN_GRACE_MS)
      : (options.timeoutMs ?? 120_000);
  let last = "";
  let lastStatus: TunnelStatus | undefined;
  let changedAt = Date.now();
  let checkedAt = 0;
  for (;;) {
    if (options.signal?.aborted) throw new Error("cancelled");
    const checkLiveness = Date.now() - checkedAt >= livenessMs;
    if (checkLiveness) checkedAt = Date.now();
    const state = checkLiveness ? await reconcile(options.env, id) : readState(options.env, id);
    const fresh = state && (!options.notBefore || Date.parse(state.updatedAt) >= options.notBefore.getTime() - 1000);
    if (state && fresh) {
      const fp = fingerprint(state);
      if (fp !== last) {
        last = fp;
        options.onChange?.(state);
      }
      if (state.status !== lastStatus) {
        lastStatus = state.status;
        changedAt = Date.now();
      }
      if (until.includes(state.status)) return state;
    }
    if (Date.now() - changedAt > phaseTimeout(lastStatus)) {
      throw new Error(`timed out waiting for tunnel ${id} (last status: ${state?.status})`);
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
