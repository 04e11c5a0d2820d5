// Keeps a connected tunnel's SSO token fresh (the worker refreshes its own session on the settings' interval) and
// shows `auth-required` when only a sign-in can help. The open session keeps working meanwhile; a new token in the
// cache (from any login: Raycast, the CLI, `aws sso login`) clears the badge without polling hard.
import { sentence } from "../../sentence";
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
      const check = await this.o.auth.check();
      if (!check.tunnelUsable) this.mark(check.reason ?? "the SSO sign-in has expired");
      else if (this.needsSignIn) this.clear();
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

  private clear(): void {
    if (!this.needsSignIn) return;
    this.needsSignIn = false;
    this.o.log("a usable SSO token is back");
    if (this.o.writer.status === "auth-required") this.o.writer.update({ status: "connected", lastError: undefined });
  }

  /**
   * Before each ResumeSession: with no usable token the role credentials cannot be renewed, so wait (without
   * spinning) for a sign-in instead of burning the reconnect budget on calls that must fail.
   */
  async untilUsable(signal: AbortSignal): Promise<void> {
    const check = await this.o.auth.check();
    if (check.tunnelUsable) return;
    this.needsSignIn = true;
    const reason = check.reason ?? "the SSO sign-in has expired";
    this.o.writer.update({ status: "auth-required", lastError: `Sign-in needed: ${reason}` });
    this.o.log(`resume waits for a sign-in: ${reason}`);
    await this.o.auth.waitForToken(signal);
    this.needsSignIn = false;
    this.o.writer.update({ status: "reconnecting", lastError: undefined });
  }
}
