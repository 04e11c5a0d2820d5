// Phase 5, recover: what happens after a session ends or an attempt fails. The one place that decides whether to
// try again, what the status says meanwhile, and how long to wait (backoff).
import { abortableSleep } from "../../abortable-sleep";
import { backoffDelay } from "../../ssm/channel/backoff";
import { describePortProblem } from "../ports";
import type { WorkerContext } from "./context";
import { classifyFailure, type Failure } from "./errors";
import type { EndResult } from "./serve";
import type { SessionEndReason } from "./session-backend";
import type { SignIn } from "./sign-in";

export class Recovery {
  private failures = 0;
  private failingSince?: number;
  private openedAt?: number;
  /** Whether any session opened: later attempts show `reconnecting`, not `connecting`. */
  everConnected = false;

  constructor(
    private readonly ctx: WorkerContext,
    private readonly signIn: SignIn,
  ) {}

  /** A session opened. Failures keep counting until it proves healthy (it lives retry.healthyAfterMs). */
  opened(): void {
    this.openedAt = Date.now();
    this.everConnected = true;
  }

  /** A session ended by itself. True: open the next one (at once if it was healthy, after a backoff if not). */
  async afterEnd(end: Exclude<EndResult, "aborted">, sessionId: string): Promise<boolean> {
    const { def, writer, log, retry } = this.ctx;
    const why = describeEnd(end.reason, end.detail);
    log(`session ${sessionId} ended (${end.reason}): ${why}`);
    if (!def.autoReconnect) {
      writer.update({ status: "stopped", lastError: `${why} (auto-reconnect is off)` });
      return false;
    }
    const lived = Date.now() - (this.openedAt ?? 0);
    if (lived < retry.healthyAfterMs) {
      // Every new session ending at once (a broken agent, a plugin that fails) must not become a StartSession storm.
      return this.retryLater({ kind: "transient", message: describeShortEnd(end, lived) });
    }
    // Ended sessions (idle timeout, hourly recycle, refused resume) are replaced at once behind the same listener.
    this.failures = 0;
    this.failingSince = undefined;
    writer.update({ status: "reconnecting", lastError: why });
    return true;
  }

  /** An attempt failed. True (after the backoff): try again; false: give up. */
  async afterFailure(err: unknown): Promise<boolean> {
    const { def, writer, log } = this.ctx;
    if (isFatalListenError(err)) {
      const message = describeListenError(def.bindAddress, def.localPort, err);
      writer.update({ status: "error", lastError: message });
      log(`cannot listen: ${message}`);
      return false;
    }
    const failure = classifyFailure(err);
    if (failure.kind === "auth") {
      await this.signIn.recover(failure);
      return true;
    }
    return this.retryLater(failure);
  }

  /** The one backoff: exponential with jitter up to retry.maxMs; `error` once failing outlasts the budget. */
  private async retryLater(failure: Failure): Promise<boolean> {
    const { def, writer, log, retry, signal } = this.ctx;
    this.failures += 1;
    this.failingSince ??= Date.now();
    const longFailing = Date.now() - this.failingSince >= retry.errorAfterMs;
    const hopeless = failure.kind === "permission" || failure.kind === "config";
    const status = longFailing || hopeless ? "error" : this.everConnected ? "reconnecting" : "connecting";
    if (status === "error" && !def.autoReconnect) {
      writer.update({ status, lastError: failure.message });
      log(`attempt ${this.failures} failed (${failure.kind}): ${failure.message}; giving up (auto-reconnect is off)`);
      return false;
    }
    const delay = hopeless
      ? retry.maxMs
      : backoffDelay({ ...retry, budgetMs: Infinity }, this.failures, this.ctx.random);
    writer.update({ status, lastError: `${failure.message}; retrying in ${Math.max(1, Math.round(delay / 1000))} s` });
    log(`attempt ${this.failures} failed (${failure.kind}): ${failure.message}; retrying in ${delay} ms`);
    await abortableSleep(delay, signal);
    return true;
  }
}

/** A session that ended soon after opening, with how soon (the cause a user or an admin can look into). */
function describeShortEnd(end: Exclude<EndResult, "aborted">, livedMs: number): string {
  const after = `${(livedMs / 1000).toFixed(livedMs < 10_000 ? 1 : 0)} s after it opened`;
  if (end.reason === "channel_closed")
    return `Session Manager closed the session ${after}${end.detail ? `: ${end.detail}` : ""}`;
  return `${describeEnd(end.reason, end.detail)} (${after})`;
}

export function describeEnd(reason: SessionEndReason, detail: string): string {
  if (reason === "channel_closed") return `Session Manager closed the session${detail ? `: ${detail}` : ""}`;
  if (reason === "resume-refused") return "the session could not be resumed";
  return detail || reason;
}

function isFatalListenError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException)?.code;
  return (
    (err as Error)?.message?.includes("listen") === true &&
    (code === "EADDRINUSE" || code === "EACCES" || code === "EADDRNOTAVAIL")
  );
}

function describeListenError(bindAddress: string, port: number, err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code ?? "error";
  return describePortProblem(bindAddress, port, { free: false, code, holder: "another process" });
}
