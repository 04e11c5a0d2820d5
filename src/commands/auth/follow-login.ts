// Follows a login worker through its progress file until it needs the user (code/URL) or finishes. The browser wait
// may take the login's whole window (10 minutes of MFA); a worker that dies without saying so is noticed in seconds.
import type { Env } from "../../lib/home";
import { isTerminal, readLoginProgress, type LoginProgress, type LoginSessionRef } from "../../lib/sso/login/state";
import { LOGIN_WINDOW_MS } from "../../lib/tunnels/supervisor/follow";
import { isWorkerAlive } from "../../lib/tunnels/supervisor/liveness";

export interface FollowLoginOptions {
  /** Progress written before this (epoch ms) belongs to an earlier login and is ignored. */
  since: number;
  /** Called on every new status (e.g. to show the device code). */
  onProgress?: (progress: LoginProgress) => void;
  /** The login worker this command started: if it ends before a result is written, the sign-in failed. */
  workerPid?: number;
  /** Default: the login's own window plus a little for the worker to write its outcome. */
  timeoutMs?: number;
  pollMs?: number;
  /** How often the worker's process is checked (a process listing; `ps` on macOS). */
  livenessMs?: number;
  signal?: AbortSignal;
  isAlive?: (pid: number) => Promise<boolean>;
}

export type LoginOutcome =
  | { status: "succeeded" | "failed" | "cancelled"; progress: LoginProgress; error?: string }
  | { status: "died" | "timed-out" | "stopped-following"; error: string };

/** Resolves with how the login ended; never rejects. */
export async function followLogin(
  env: Env,
  session: LoginSessionRef,
  options: FollowLoginOptions,
): Promise<LoginOutcome> {
  const deadline = Date.now() + (options.timeoutMs ?? LOGIN_WINDOW_MS + 30_000);
  const pollMs = options.pollMs ?? 250;
  const livenessMs = options.livenessMs ?? 1000;
  const isAlive = options.isAlive ?? ((pid: number) => isWorkerAlive(pid));
  let last = "";
  let checkedAt = Date.now();
  const fresh = async () => {
    const progress = await readLoginProgress(env, session);
    return progress && Date.parse(progress.updatedAt) >= options.since - 1000 ? progress : undefined;
  };
  for (;;) {
    if (options.signal?.aborted) return { status: "stopped-following", error: "No longer following the sign-in." };
    const progress = await fresh();
    if (progress) {
      const seen = `${progress.status}:${progress.userCode ?? ""}:${progress.authorizeUrl ?? ""}:${progress.browserError ?? ""}`;
      if (seen !== last) options.onProgress?.(progress);
      last = seen;
      if (isTerminal(progress.status)) {
        return { status: progress.status as "succeeded" | "failed" | "cancelled", progress, error: progress.error };
      }
    }
    if (Date.now() - checkedAt >= livenessMs) {
      checkedAt = Date.now();
      const pid = options.workerPid ?? progress?.pid;
      if (pid !== undefined && !(await isAlive(pid))) {
        // It may have written its outcome just before exiting.
        const final = await fresh();
        if (final && isTerminal(final.status)) {
          return { status: final.status as "succeeded" | "failed" | "cancelled", progress: final, error: final.error };
        }
        return { status: "died", error: "The sign-in process ended before finishing." };
      }
    }
    if (Date.now() > deadline) {
      return { status: "timed-out", error: "The sign-in was not finished in time. Start it again when you are ready." };
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
