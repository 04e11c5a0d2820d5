// Getting a dropped data channel back (ssm-protocol.md §12): ResumeSession, then re-dial the original
// StreamUrl with the new token. Backoff is capped and jittered, and we keep trying for a whole budget
// instead of the official client's ~5 s (§15 item 13).
import type { Clock, TimerHandle } from "../clock";
import { backoffDelay, type BackoffPolicy } from "./backoff";
import type { EndReason } from "./types";

export interface ReconnectorOptions {
  policy: BackoffPolicy;
  clock: Clock;
  random: () => number;
  resume: () => Promise<string | undefined>;
  /** Dials with the given token (undefined = the current one); true once the socket is open. */
  connect: (token: string | undefined) => Promise<boolean>;
  onAttempt: (attempt: number, delayMs: number) => void;
  onConnected: () => void;
  onGiveUp: (reason: EndReason, detail: string) => void;
  log: (line: string) => void;
  /** A ResumeSession call that hangs this long counts as failed. */
  resumeTimeoutMs?: number;
}

export class Reconnector {
  private running = false;
  private stopped = false;
  private attempt = 0;
  private since?: number;
  private timer?: TimerHandle;

  constructor(private readonly o: ReconnectorOptions) {}

  /** `resume`: the lost socket had been opened, so its token may be spent; ask ResumeSession for a new one. */
  start(resume: boolean): void {
    if (this.running || this.stopped) return;
    this.running = true;
    this.since ??= this.o.clock.now();
    void this.loop(resume);
  }

  /** The new socket carried traffic: the next drop starts a fresh backoff and budget. */
  healthy(): void {
    if (this.running) return;
    this.attempt = 0;
    this.since = undefined;
  }

  stop(): void {
    this.stopped = true;
    this.o.clock.clearTimeout(this.timer);
  }

  private resumeWithTimeout(): Promise<string | undefined> {
    const ms = this.o.resumeTimeoutMs ?? 30_000;
    return new Promise((resolve, reject) => {
      const t = this.o.clock.setTimeout(() => reject(new Error(`ResumeSession took longer than ${ms} ms`)), ms);
      this.o.resume().then(
        (v) => (this.o.clock.clearTimeout(t), resolve(v)),
        (e: unknown) => (this.o.clock.clearTimeout(t), reject(e)),
      );
    });
  }

  private async loop(resume: boolean): Promise<void> {
    const { policy, clock } = this.o;
    while (!this.stopped) {
      this.attempt += 1;
      const delay = this.attempt === 1 ? 0 : backoffDelay(policy, this.attempt - 1, this.o.random);
      const elapsed = clock.now() - (this.since ?? clock.now());
      if (elapsed + delay > policy.budgetMs) {
        this.running = false;
        return this.o.onGiveUp("error", `could not reconnect within ${Math.round(policy.budgetMs / 1000)} s`);
      }
      this.o.onAttempt(this.attempt, delay);
      if (delay > 0) await new Promise<void>((r) => (this.timer = clock.setTimeout(r, delay)));
      if (this.stopped) return;
      let token: string | undefined;
      if (resume) {
        try {
          token = await this.resumeWithTimeout();
        } catch (err) {
          const detail = err instanceof Error ? `${err.name}: ${err.message}` : "unknown error";
          this.o.log(`ResumeSession failed: ${detail}`);
          if ((err as { permanent?: unknown })?.permanent === true) {
            this.running = false;
            return this.o.onGiveUp("error", detail);
          }
          continue;
        }
        if (this.stopped) return;
        if (!token) {
          this.running = false;
          return this.o.onGiveUp("resume-refused", "ResumeSession returned no token: the session has ended");
        }
      }
      const ok = await this.o.connect(token);
      if (this.stopped) return;
      if (ok) {
        this.running = false;
        return this.o.onConnected();
      }
    }
  }
}
