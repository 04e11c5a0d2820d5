// A tunnel's sign-in: a valid SSO token (browser login on first connect only), role credentials for SSM calls, and
// waiting for a new token while the tunnel needs a human.
import { findProfile, groupFor, loadAwsConfig, type SsoProfile, type SsoSessionGroup } from "../../aws";
import type { AwsCredentials } from "../../aws/sdk-config";
import type { AwsEndpoints } from "../../aws/types";
import type { Env } from "../../home";
import type { Settings } from "../../settings";
import type { LoginProgress } from "../../sso/login";
import { RefreshRunner, type SessionCheck } from "../../sso/refresh-runner";
import { getRoleCredentials } from "../../sso/role-credentials";
import { readToken } from "../../sso/token-cache";
import type { OpenBrowser } from "../../sso/login/browser";
import type { LoginPrompt } from "../state";
import { waitForTokenChange } from "./token-watch";

/** Only a human can fix it: sign in again. */
export class AuthRequiredError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AuthRequiredError";
  }
}

/** The tunnel's profile cannot be used as configured; retrying will not help until the config changes. */
export class TunnelConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TunnelConfigError";
  }
}

export interface TunnelAuthOptions {
  env: Env;
  settings: Settings;
  endpoints: AwsEndpoints;
  profileName: string;
  log: (line: string) => void;
  openBrowser?: OpenBrowser;
  now?: () => number;
}

export function loginPrompt(p: LoginProgress): LoginPrompt | undefined {
  if (p.status === "succeeded" || p.status === "failed" || p.status === "cancelled") return undefined;
  const url = p.verificationUriComplete ?? p.authorizeUrl ?? p.verificationUri;
  const message = p.browserError
    ? `Could not open the browser (${p.browserError}); open the link yourself.`
    : p.status === "waiting-for-device-code" || p.status === "waiting-for-browser"
      ? "Finish signing in in your browser."
      : "Starting the sign-in…";
  return { url, userCode: p.userCode, message };
}

export class TunnelAuth {
  private readonly runner: RefreshRunner;

  private constructor(
    private readonly o: TunnelAuthOptions,
    readonly profile: SsoProfile,
    readonly group: SsoSessionGroup,
  ) {
    this.runner = new RefreshRunner({ env: o.env, settings: o.settings, endpoints: o.endpoints, now: o.now });
  }

  /** Resolves the tunnel's profile to its SSO session; TunnelConfigError when it cannot start tunnels. */
  static async load(o: TunnelAuthOptions): Promise<TunnelAuth> {
    const config = await loadAwsConfig({ env: o.env, override: o.settings.awsConfigFile });
    const profile = findProfile(config, o.profileName);
    if (!profile) throw new TunnelConfigError(`profile "${o.profileName}" is not in ${config.path}`);
    if (profile.kind !== "sso") {
      throw new TunnelConfigError(
        `profile "${o.profileName}" is not an SSO profile: ${profile.reason ?? profile.kind}`,
      );
    }
    if (!profile.usableForTunnels) {
      throw new TunnelConfigError(`profile "${o.profileName}" cannot start tunnels: ${profile.reason ?? "incomplete"}`);
    }
    const group = groupFor(config, o.profileName);
    if (!group) throw new TunnelConfigError(`profile "${o.profileName}" has no SSO session`);
    return new TunnelAuth(o, profile, group);
  }

  get endpoints(): AwsEndpoints {
    return this.o.endpoints;
  }

  get region(): string {
    return this.profile.region ?? this.profile.ssoRegion;
  }

  /** Checks (and silently refreshes when due) the session's token. */
  check(): Promise<SessionCheck> {
    return this.runner.ensureFresh(this.group);
  }

  /**
   * A usable access token. With `allowLogin` (the user just asked to connect) a missing or dead token starts the
   * browser login and `onLogin` reports its URL / code; otherwise AuthRequiredError.
   */
  async accessToken(opts: {
    allowLogin: boolean;
    /** The token on disk was rejected by AWS: sign in even if it looks valid. */
    forceLogin?: boolean;
    signal?: AbortSignal;
    onLogin?: (prompt: LoginPrompt | undefined) => void;
  }): Promise<string> {
    const check = await this.check();
    if (check.tunnelUsable && check.token && !opts.forceLogin) return check.token.accessToken;
    const why = check.reason ?? (check.state === "signed-out" ? "not signed in" : "the SSO sign-in has expired");
    if (!opts.allowLogin) throw new AuthRequiredError(why);
    this.o.log(`no usable SSO token (${check.state}); starting the ${this.o.settings.loginMethod} sign-in`);
    opts.onLogin?.({ message: "Starting the sign-in…" });
    // Loaded only when a sign-in is needed: a worker that finds a token never holds the login flows in memory.
    const { login } = await import("../../sso/login");
    const token = await login(this.group, {
      env: this.o.env,
      method: this.o.settings.loginMethod,
      openBrowser: this.o.openBrowser,
      endpoints: this.o.endpoints,
      signal: opts.signal,
      onProgress: (p) => opts.onLogin?.(loginPrompt(p)),
    });
    opts.onLogin?.(undefined);
    this.o.log("signed in");
    return token.accessToken;
  }

  /**
   * Role credentials for the SSM client, fetched with the token on disk each time the SDK asks (it caches them
   * until shortly before they expire), so a token refreshed or re-issued by a login is picked up by itself.
   */
  credentials(): AwsCredentials {
    return async () => {
      const read = await readToken(this.group.tokenCacheFile);
      if (read.state !== "ok") throw new AuthRequiredError("not signed in");
      return getRoleCredentials(this.profile, read.token.accessToken, { endpoints: this.o.endpoints });
    };
  }

  /** Waits, without spinning, until the token cache holds a token the tunnel can use. */
  waitForToken(signal: AbortSignal, requireChange = false): Promise<void> {
    return waitForTokenChange(this.group.tokenCacheFile, {
      signal,
      requireChange,
      pollMs: 5000,
      isUsable: async () => (await this.check()).tunnelUsable,
    });
  }
}
