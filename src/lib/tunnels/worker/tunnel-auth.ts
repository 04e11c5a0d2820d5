// A tunnel's sign-in: a valid SSO token (browser login on first connect only), role credentials for SSM calls (through
// the role chain when the profile has one), and waiting for a new token while the tunnel needs a human. The SSO token
// at the root of a chain is the one checked, refreshed and signed in again, whatever profile of the chain the tunnel uses.
import {
  findProfile,
  groupFor,
  loadAwsConfig,
  type RoleChainedProfile,
  type SsoProfile,
  type SsoSessionGroup,
} from "../../aws";
import { resolveEndpoints } from "../../aws/sdk-config";
import type { AwsEndpoints } from "../../aws/types";
import type { Env } from "../../home";
import type { Settings } from "../../settings";
import type { LoginProgress } from "../../sso/login";
import { RefreshRunner, type SessionCheck } from "../../sso/refresh-runner";
import type { OpenBrowser } from "../../sso/login/browser";
import type { LoginPrompt } from "../state";
import { abortableSleep } from "../../abortable-sleep";
import type { AwsCalls, SsmTarget } from "./aws-calls/calls";
import { waitForTokenChange } from "./token-watch";
import { tokenWait, type TokenWait } from "./token-wait";

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
  /** Endpoints that win over everything (tests); the rest come from the environment and the profile's config. */
  endpoints?: AwsEndpoints;
  profileName: string;
  log: (line: string) => void;
  openBrowser?: OpenBrowser;
  now?: () => number;
  /** Where the AWS calls run (the worker: its helper process). */
  aws: AwsCalls;
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

  /** Every AWS endpoint this tunnel uses, resolved once from the tunnel's profile (the profile in use decides). */
  readonly endpoints: AwsEndpoints;

  private constructor(
    private readonly o: TunnelAuthOptions,
    /** The tunnel's profile: an SSO profile or a role chain rooted in one. */
    readonly profile: SsoProfile | RoleChainedProfile,
    /** The SSO profile whose token the tunnel lives on (the profile itself, or the root of its chain). */
    readonly ssoProfile: SsoProfile,
    readonly group: SsoSessionGroup,
  ) {
    this.endpoints = resolveEndpoints(o.endpoints, o.env, profile);
    this.runner = new RefreshRunner({
      env: o.env,
      settings: o.settings,
      endpoints: this.endpoints,
      now: o.now,
      createToken: (g, token) => o.aws.refreshToken(g, token, this.endpoints),
    });
  }

  /** Resolves the tunnel's profile to its SSO session; TunnelConfigError when it cannot start tunnels. */
  static async load(o: TunnelAuthOptions): Promise<TunnelAuth> {
    const config = await loadAwsConfig({ env: o.env, override: o.settings.awsConfigFile });
    const profile = findProfile(config, o.profileName);
    if (!profile) throw new TunnelConfigError(`profile "${o.profileName}" is not in ${config.path}`);
    if (profile.kind === "other") {
      throw new TunnelConfigError(`profile "${o.profileName}" is not an SSO profile: ${profile.reason}`);
    }
    if (!profile.usableForTunnels) {
      throw new TunnelConfigError(`profile "${o.profileName}" cannot start tunnels: ${profile.reason ?? "incomplete"}`);
    }
    const root = profile.kind === "sso" ? profile : findProfile(config, profile.ssoProfile ?? "");
    const group = groupFor(config, o.profileName);
    if (!group || root?.kind !== "sso") throw new TunnelConfigError(`profile "${o.profileName}" has no SSO session`);
    return new TunnelAuth(o, profile, root, group);
  }

  /** Where the tunnel's sessions go unless the tunnel names a region: the profile's (or its chain's) region. */
  get region(): string {
    const p = this.profile;
    return p.region ?? (p.kind === "role-chained" ? p.chainRegion : undefined) ?? this.ssoProfile.ssoRegion;
  }

  /** The role the tunnel's sessions run as, for messages: the SSO role, or the last role of the chain. */
  get roleName(): string | undefined {
    if (this.profile.kind === "sso") return this.profile.roleName;
    return this.profile.roleArn.split("/").pop() || this.profile.roleArn;
  }

  /** Checks (and silently refreshes when due) the session's token. */
  check(): Promise<SessionCheck> {
    return this.runner.ensureFresh(this.group);
  }

  /**
   * The browser (or device-code) sign-in the user's own connect may start. A usable token that another process writes
   * meanwhile (Raycast, the CLI, `aws sso login`, a refresh elsewhere) ends it early: the login is called off and
   * that token is used instead of leaving the tunnel in `authenticating`.
   */
  async signIn(opts: { signal: AbortSignal; onLogin?: (prompt: LoginPrompt | undefined) => void }): Promise<void> {
    this.o.log(`no usable SSO token; starting the ${this.o.settings.loginMethod} sign-in`);
    opts.onLogin?.({ message: "Starting the sign-in…" });
    const done = new AbortController();
    const stop = () => done.abort();
    opts.signal.addEventListener("abort", stop, { once: true });
    try {
      const onProgress = (p: LoginProgress) => opts.onLogin?.(loginPrompt(p));
      const options = { method: this.o.settings.loginMethod, endpoints: this.endpoints };
      // In the AWS helper, so the worker never holds the login flows or the SDK; a test's own browser runs here.
      const ours = (
        this.o.openBrowser
          ? import("../../sso/login").then(({ login }) =>
              login(this.group, {
                env: this.o.env,
                ...options,
                openBrowser: this.o.openBrowser,
                signal: done.signal,
                onProgress,
              }),
            )
          : this.o.aws.login(this.group, options, onProgress, done.signal)
      ).then(() => "signed in" as const);
      const theirs = this.waitForToken(done.signal).then(() => "adopted" as const);
      const outcome = await Promise.race([ours, theirs]);
      this.o.log(
        outcome === "signed in" ? "signed in" : "another process wrote a usable SSO token; sign-in called off",
      );
      ours.catch(() => undefined);
      theirs.catch(() => undefined);
    } finally {
      opts.onLogin?.(undefined);
      opts.signal.removeEventListener("abort", stop);
      done.abort();
    }
  }

  /**
   * Until `retryAt` (at least 1 s, at most a minute from now), or until another process writes a usable token,
   * whichever comes first; the caller then checks again. Resolves early, without throwing, when `signal` aborts.
   */
  async waitForRetry(retryAt: number | undefined, signal: AbortSignal): Promise<void> {
    const now = (this.o.now ?? Date.now)();
    const delay = Math.min(60_000, Math.max(1000, (retryAt ?? now) - now));
    const done = new AbortController();
    const stop = () => done.abort();
    signal.addEventListener("abort", stop, { once: true });
    try {
      await Promise.race([
        abortableSleep(delay, done.signal),
        this.waitForToken(done.signal, true).catch(() => undefined),
      ]);
    } finally {
      signal.removeEventListener("abort", stop);
      done.abort();
    }
  }

  /**
   * Until the token is usable: waits out refresh spacing and service trouble by itself, and for a sign-in from
   * anywhere when only the user can help. `onWait` hears every wait, so the status can say why.
   */
  async untilUsable(signal: AbortSignal, onWait: (wait: TokenWait) => void): Promise<void> {
    while (!signal.aborted) {
      const wait = tokenWait(await this.check());
      if (!wait) return;
      onWait(wait);
      if (wait.who === "service") await this.waitForRetry(wait.retryAt, signal);
      else await this.waitForToken(signal).catch(() => undefined);
    }
  }

  get aws(): AwsCalls {
    return this.o.aws;
  }

  /**
   * SSM calls in `region` as the tunnel's role (the chain's last role for a role-chained profile), with credentials
   * resolved from the token on disk at call time, so a token refreshed or re-issued by a login is picked up by itself.
   */
  ssmTarget(region: string): SsmTarget {
    const { name, accountId, roleName, ssoRegion, tokenCacheKey } = this.ssoProfile;
    return {
      chain: {
        root: { name, accountId, roleName, ssoRegion, tokenCacheKey },
        hops: this.profile.kind === "role-chained" ? this.profile.hops : [],
      },
      tokenCacheFile: this.group.tokenCacheFile,
      region,
      endpoints: this.endpoints,
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
