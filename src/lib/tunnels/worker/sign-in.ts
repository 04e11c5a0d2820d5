// Phase 2, sign in: a usable SSO token before each session. A refresh that only has to wait (the one-a-minute spacing,
// an IAM Identity Center outage) is waited out, never answered with a browser. Only the connect the user asked for
// may open a browser (once); afterwards a token only a human can renew means `auth-required` and waiting for a
// sign-in from anywhere.
import type { WorkerContext } from "./context";
import type { Failure } from "./errors";
import { AuthRequiredError } from "./tunnel-auth";
import { describeServiceWait, tokenWait } from "./token-wait";

export class SignIn {
  private loginAllowed = true;
  private forceLogin = false;
  private everConnected = false;

  constructor(private readonly ctx: WorkerContext) {}

  /** Resolves with a usable token on disk (waiting for a refresh, or signing in when allowed); AuthRequiredError otherwise. */
  async ensureToken(): Promise<void> {
    const { auth, writer, signal, log } = this.ctx;
    while (!signal.aborted) {
      const wait = tokenWait(await auth.check(), this.forceLogin);
      if (!wait) return;
      if (wait.who === "service") {
        const message = describeServiceWait(wait, Date.now());
        if (writer.current.lastError !== message) log(`waiting for the SSO token: ${message}`);
        writer.update({ status: this.everConnected ? "reconnecting" : "connecting", lastError: message });
        await auth.waitForRetry(wait.retryAt, signal);
        continue;
      }
      if (!this.loginAllowed) throw new AuthRequiredError(wait.reason);
      // One browser sign-in per connect: if it fails or is abandoned, wait for a token instead of a tab storm.
      this.loginAllowed = false;
      this.forceLogin = false;
      await auth.signIn({
        signal,
        onLogin: (login) => writer.update(login ? { status: "authenticating", login } : { login: undefined }),
      });
      return;
    }
  }

  /** A session opened: later sign-ins are for a human to start. */
  succeeded(): void {
    this.loginAllowed = this.forceLogin = false;
    this.everConnected = true;
  }

  /** AWS rejected the token: sign in again at once if the user's own connect may, else wait for a new token. */
  async recover(failure: Failure): Promise<void> {
    const { auth, writer, log, signal } = this.ctx;
    // A token that looks valid but was rejected: only a new one helps. The user's own connect may sign in at once.
    const looksValid = (await auth.check().catch(() => undefined))?.tunnelUsable ?? false;
    if (this.loginAllowed && looksValid && !this.forceLogin) {
      this.forceLogin = true;
      return;
    }
    this.loginAllowed = false;
    this.forceLogin = false;
    writer.update({ status: "auth-required", lastError: failure.message, login: undefined });
    log(`waiting for a new sign-in: ${failure.message}`);
    await auth.waitForToken(signal, looksValid).catch(() => undefined);
    if (!signal.aborted) log("a new SSO token appeared; reconnecting");
  }
}
