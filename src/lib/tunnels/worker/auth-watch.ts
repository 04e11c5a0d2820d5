// Keeps a connected tunnel's SSO token fresh (the worker refreshes its own session on the settings' interval) and
// shows `auth-required` when only a sign-in can help. A refresh that fails for a while (an outage, throttling, the
// network) is no reason for the badge: it is retried and said in lastError. The open session keeps working meanwhile;
// a new token in the cache (from any login: Raycast, the CLI, `aws sso login`) clears the badge without polling hard.
import { sentence } from "../../sentence";
import { describeServiceWait, tokenWait, type TokenWait } from "./token-wait";
import type { StateWriter } from "./state-writer";
import type { TunnelAuth } from "./tunnel-auth";

export interface AuthWatchOptions {
  auth: TunnelAuth;
  writer: StateWriter;
  log: (line: string) => void;
  signal: AbortSignal;
  intervalMs: number;
}

export class AuthWatch {
  needsSignIn = false;
  private timer?: NodeJS.Timeout;
  private checking = false;
  private relogin?: AbortController;

  constructor(private readonly o: AuthWatchOptions) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.o.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.relogin?.abort();
    this.relogin = undefined;
  }

  private async tick(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      const wait = tokenWait(await this.o.auth.check());
      if (wait?.who === "user") this.mark(wait.reason);
      else {
        if (this.needsSignIn) this.clear();
        if (wait) this.note(wait);
      }
    } catch (err) {
      this.o.log(`token check failed: ${(err as Error).message}`);
    } finally {
      this.checking = false;
    }
  }

  private mark(reason: string): void {
    const message = `Sign-in needed: ${sentence(reason)} The open session keeps working; it reconnects by itself after you sign in.`;
    if (!this.needsSignIn) this.o.log(`SSO token no longer usable: ${reason}`);
    this.needsSignIn = true;
    const status = this.o.writer.status;
    if (status === "connected" || status === "reconnecting")
      this.o.writer.update({ status: "auth-required", lastError: message });
    if (this.relogin) return;
    const controller = (this.relogin = new AbortController());
    const stop = () => controller.abort();
    this.o.signal.addEventListener("abort", stop, { once: true });
    this.o.auth.waitForToken(controller.signal).then(
      () => {
        this.o.signal.removeEventListener("abort", stop);
        if (this.relogin === controller) this.relogin = undefined;
        this.clear();
      },
      () => this.o.signal.removeEventListener("abort", stop),
    );
  }

  /** The token is waiting for IAM Identity Center, not for the user: say so while the open session keeps working. */
  private note(wait: Extract<TokenWait, { who: "service" }>): void {
    const message = `${describeServiceWait(wait, Date.now())}. The open session keeps working.`;
    if (this.o.writer.current.lastError !== message) this.o.log(`SSO token refresh waits: ${message}`);
    if (this.o.writer.status === "connected") this.o.writer.update({ lastError: message });
  }

  private clear(): void {
    if (!this.needsSignIn) return;
    this.needsSignIn = false;
    this.o.log("a usable SSO token is back");
    if (this.o.writer.status === "auth-required") this.o.writer.update({ status: "connected", lastError: undefined });
  }

  /**
   * Before each ResumeSession: with no usable token the role credentials cannot be renewed, so wait (without
   * spinning) for the refresh to come through, or for a sign-in when only the user can help, instead of burning the
   * reconnect budget on calls that must fail.
   */
  async untilUsable(signal: AbortSignal): Promise<void> {
    let waited = false;
    await this.o.auth.untilUsable(signal, (wait) => {
      waited = true;
      if (wait.who === "user") {
        this.needsSignIn = true;
        this.o.writer.update({ status: "auth-required", lastError: `Sign-in needed: ${sentence(wait.reason)}` });
        this.o.log(`resume waits for a sign-in: ${wait.reason}`);
      } else {
        const message = describeServiceWait(wait, Date.now());
        this.o.writer.update({ status: "reconnecting", lastError: message });
        this.o.log(`resume waits for the SSO token: ${message}`);
      }
    });
    if (signal.aborted) throw new Error("stopped while waiting for the SSO token");
    if (!waited) return;
    this.needsSignIn = false;
    this.o.writer.update({ status: "reconnecting", lastError: undefined });
  }
}
