// Follows a login worker through its progress file until it needs the user (code/URL) or finishes.
import type { Env } from "../../lib/home";
import { isTerminal, readLoginProgress, type LoginProgress, type LoginSessionRef } from "../../lib/sso/login/state";

export interface FollowLoginOptions {
  /** Progress written before this (epoch ms) belongs to an earlier login and is ignored. */
  since: number;
  /** Called on every new status (e.g. to show the device code). */
  onProgress?: (progress: LoginProgress) => void;
  timeoutMs?: number;
  pollMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/** Resolves with the final progress, or undefined when the login did not finish within the timeout. */
export async function followLogin(
  env: Env,
  session: LoginSessionRef,
  options: FollowLoginOptions,
): Promise<LoginProgress | undefined> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const deadline = now() + (options.timeoutMs ?? 5 * 60_000);
  let last = "";
  while (now() < deadline) {
    const progress = await readLoginProgress(env, session);
    if (progress && Date.parse(progress.updatedAt) >= options.since - 1000) {
      const seen = `${progress.status}:${progress.userCode ?? ""}:${progress.authorizeUrl ?? ""}`;
      if (seen !== last) options.onProgress?.(progress);
      last = seen;
      if (isTerminal(progress.status)) return progress;
    }
    await sleep(options.pollMs ?? 500);
  }
  return undefined;
}
