// How patiently a worker retries: backoff bounds, when failing turns into a visible error, how long stop waits.
// A stop has one second in every phase: startGraceMs + terminateApiMs, or terminateAckMs + terminateApiMs.
import type { Env } from "../../home";

export interface RetryPolicy {
  /** Backoff before the first retry (then doubling, with jitter), and its cap: the slow pace of a failing tunnel. */
  initialMs: number;
  maxMs: number;
  /** Failing this long without a healthy session turns connecting/reconnecting into a visible `error`. */
  errorAfterMs: number;
  /** A session that ends sooner than this after opening counts as a failure (backoff), not as a normal end. */
  healthyAfterMs: number;
  /** On stop: how long to wait for the TerminateSession flag's ack, then for the TerminateSession API. */
  terminateAckMs: number;
  terminateApiMs: number;
  /** On stop: how long a StartSession already sent may still answer, so the session it opened can be terminated. */
  startGraceMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  initialMs: 1000,
  maxMs: 60_000,
  errorAfterMs: 60_000,
  healthyAfterMs: 60_000,
  terminateAckMs: 400,
  terminateApiMs: 400,
  startGraceMs: 500,
};

/** Tests shorten the retry timings through the environment (the worker is a separate process). */
export function retryPolicyFromEnv(env: Env): RetryPolicy {
  const n = (v: string | undefined, d: number) => (v && Number(v) >= 0 ? Number(v) : d);
  return {
    initialMs: n(env.STORMTUNNEL_RETRY_INITIAL_MS, DEFAULT_RETRY.initialMs),
    maxMs: n(env.STORMTUNNEL_RETRY_MAX_MS, DEFAULT_RETRY.maxMs),
    errorAfterMs: n(env.STORMTUNNEL_ERROR_AFTER_MS, DEFAULT_RETRY.errorAfterMs),
    healthyAfterMs: n(env.STORMTUNNEL_HEALTHY_AFTER_MS, DEFAULT_RETRY.healthyAfterMs),
    terminateAckMs: DEFAULT_RETRY.terminateAckMs,
    terminateApiMs: DEFAULT_RETRY.terminateApiMs,
    startGraceMs: DEFAULT_RETRY.startGraceMs,
  };
}
