// Reconnect delays: capped exponential with jitter, within an overall budget (§12, unlike the official 5 s).

export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  /** Give up (session "ended") once this much time has passed since the drop. */
  budgetMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 200, maxMs: 30_000, budgetMs: 10 * 60_000 };

/** Delay before attempt `attempt` (1-based): half fixed, half random, so many tunnels do not retry in step. */
export function backoffDelay(policy: BackoffPolicy, attempt: number, random: () => number): number {
  const base = Math.min(policy.maxMs, policy.initialMs * 2 ** Math.min(attempt - 1, 30));
  return Math.round(base / 2 + (base / 2) * random());
}
