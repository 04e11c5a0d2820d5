// Phase 2, sign in: a usable SSO token before each session. Only the connect the user asked for may open a browser
// (once); afterwards a dead token means `auth-required` and waiting for a sign-in from anywhere.
import type { WorkerContext } from "./context";
import type { Failure } from "./errors";

export class SignIn {
  private loginAllowed = true;
  private forceLogin = false;

  constructor(private readonly ctx: WorkerContext) {}

  /** Resolves with a usable token on disk (signing in when allowed); AuthRequiredError otherwise. */
  async ensureToken(): Promise<void> {
    const { auth, writer, signal } = this.ctx;
    await auth.accessToken({
      allowLogin: this.loginAllowed,
      forceLogin: this.forceLogin,
      signal,
      onLogin: (login) => {
        // One browser sign-in per connect: if it fails or is abandoned, wait for a token instead of a tab storm.
        this.loginAllowed = false;
        writer.update(login ? { status: "authenticating", login } : { login: undefined });
      },
    });
  }

  /** A session opened: later sign-ins are for a human to start. */
  succeeded(): void {
    this.loginAllowed = this.forceLogin = false;
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
