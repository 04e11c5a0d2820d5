// Follows a tunnel's state file until it settles (connected, auth-required, error, stopped): what `connect` and the
// Raycast toast show while the worker starts.
import type { Env } from "../../home";
import { reconcile } from ".";
import type { TunnelState, TunnelStatus } from "../state";

export const SETTLED: readonly TunnelStatus[] = ["connected", "auth-required", "error", "stopped"];

export interface FollowOptions {
  env: Env;
  until?: readonly TunnelStatus[];
  timeoutMs?: number;
  pollMs?: number;
  signal?: AbortSignal;
  /** Called for every change worth showing (status, login prompt, error). */
  onChange?: (state: TunnelState) => void;
  /** Only states written at or after this time count (ignores the previous run's state). */
  notBefore?: Date;
}

function fingerprint(s: TunnelState): string {
  return JSON.stringify([s.status, s.login, s.lastError, s.localAddress, s.sessionId]);
}

/** Resolves with the first settled state; rejects on timeout or abort. */
export async function followTunnel(id: string, options: FollowOptions): Promise<TunnelState> {
  const until = options.until ?? SETTLED;
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  let last = "";
  for (;;) {
    if (options.signal?.aborted) throw new Error("cancelled");
    const state = reconcile(options.env, id);
    const fresh = state && (!options.notBefore || Date.parse(state.updatedAt) >= options.notBefore.getTime() - 1000);
    if (state && fresh) {
      const fp = fingerprint(state);
      if (fp !== last) {
        last = fp;
        options.onChange?.(state);
      }
      if (until.includes(state.status)) return state;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for tunnel ${id} (last status: ${state?.status})`);
    await new Promise((r) => setTimeout(r, options.pollMs ?? 100));
  }
}
