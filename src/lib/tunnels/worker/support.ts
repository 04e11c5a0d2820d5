// Small pieces of the worker loop: retry timings, waiting for a session to end, listen errors, timeouts.
import type { Env } from "../../home";
import { describePortProblem } from "../ports";
import type { StateWriter } from "./state-writer";
import type { AuthWatch } from "./auth-watch";
import type { ForwardingSession, SessionEndReason } from "./session-backend";
import type { TunnelDefinition } from "../definition";

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

export function describeEnd(reason: SessionEndReason, detail: string): string {
  if (reason === "channel_closed") return `Session Manager closed the session${detail ? `: ${detail}` : ""}`;
  if (reason === "resume-refused") return "the session could not be resumed";
  return detail || reason;
}

export function isFatalListenError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException)?.code;
  return (
    (err as Error)?.message?.includes("listen") === true &&
    (code === "EADDRINUSE" || code === "EACCES" || code === "EADDRNOTAVAIL")
  );
}

export function describeListenError(def: TunnelDefinition, err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code ?? "error";
  return describePortProblem(def.bindAddress, def.localPort, { free: false, code, holder: "another process" });
}

export function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error("timed out")), ms).unref())]);
}

export type EndResult = { reason: SessionEndReason; detail: string } | "aborted";

/** Until the session ends or the worker is told to stop; keeps the status in step with drops and resumes. */
export function waitForEnd(
  session: ForwardingSession,
  signal: AbortSignal,
  writer: StateWriter,
  authWatch: AuthWatch,
): Promise<EndResult> {
  return new Promise((resolve) => {
    const onReconnecting = () => {
      if (writer.status === "connected")
        writer.update({ status: "reconnecting", lastError: "connection to Session Manager lost; resuming" });
    };
    const onReconnected = () => {
      if (writer.status === "reconnecting")
        writer.update({
          status: authWatch.needsSignIn ? "auth-required" : "connected",
          lastError: authWatch.needsSignIn ? writer.current.lastError : undefined,
        });
    };
    const finish = (result: EndResult) => {
      session.off("reconnecting", onReconnecting);
      session.off("reconnected", onReconnected);
      session.off("ended", onEnded);
      signal.removeEventListener("abort", onAbort);
      resolve(result);
    };
    const onEnded = (reason: SessionEndReason, detail?: string) => finish({ reason, detail: detail ?? "" });
    const onAbort = () => finish("aborted");
    session.on("reconnecting", onReconnecting);
    session.on("reconnected", onReconnected);
    session.once("ended", onEnded);
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
  });
}
