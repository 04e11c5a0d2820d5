// How patiently a worker retries: backoff bounds, when failing turns into a visible error, how long stop waits.
import type { Env } from "../../home";

export interface RetryPolicy {
  initialMs: number;
  maxMs: number;
  /** Failing this long without a session turns the status from connecting/reconnecting into a visible `error`. */
  errorAfterMs: number;
  /** How long the worker waits for the TerminateSession flag's ack on shutdown. */
  terminateAckMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  initialMs: 1000,
  maxMs: 30_000,
  errorAfterMs: 60_000,
  terminateAckMs: 1500,
};

/** Tests shorten the retry timings through the environment (the worker is a separate process). */
export function retryPolicyFromEnv(env: Env): RetryPolicy {
  const n = (v: string | undefined, d: number) => (v && Number(v) >= 0 ? Number(v) : d);
  return {
    initialMs: n(env.STORMTUNNEL_RETRY_INITIAL_MS, DEFAULT_RETRY.initialMs),
    maxMs: n(env.STORMTUNNEL_RETRY_MAX_MS, DEFAULT_RETRY.maxMs),
    errorAfterMs: n(env.STORMTUNNEL_ERROR_AFTER_MS, DEFAULT_RETRY.errorAfterMs),
    terminateAckMs: DEFAULT_RETRY.terminateAckMs,
  };
}
