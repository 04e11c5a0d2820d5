// Silent refresh of SSO sessions: one refresh per session however many callers (single-flight in the process, the
// token lock file across processes), adopting tokens other tools wrote, recording outcomes for every process to see.
import type { AwsConfig, SsoSessionGroup } from "../aws";
import type { AwsEndpoints } from "../aws/types";
import type { Env } from "../home";
import type { Settings } from "../settings";
import { classifySsoError, SsoError } from "./errors";
import { acquireFileLock } from "../lock";
import { backoffMs, idpSessionEndFrom, refreshPending, type TokenState } from "./refresh-policy";
import {
  SessionStatusStore,
  sessionView,
  tokenFingerprint,
  tokenReadCache,
  type TokenReadCache,
  type SessionStatus,
  type SessionView,
} from "./session-status";
import { forgetRegistration } from "./registration-cache";
import { parseCacheTimestamp } from "./timestamps";
import { expiresAtFrom, readToken, tokenLockPath, writeToken, type CachedToken } from "./token-cache";

/** The outcome of checking one SSO session. */
export interface SessionCheck {
  group: SsoSessionGroup;
  state: TokenState;
  /** The token now on disk (for the caller's own use; never log it). */
  token?: CachedToken;
  reason?: string;
  /** Epoch ms. */
  expiresAt?: number;
  /** Known end of the IdP session (epoch ms), when a refresh was refused while the token was still valid. */
  idpSessionEnd?: number;
  /** Next automatic attempt (epoch ms) while backing off. */
  retryAt?: number;
  /** The token is valid now, so a tunnel can use it (even with an auth-required badge). */
  tunnelUsable: boolean;
  /**
   * A silent refresh can still make the session usable: one is due, running elsewhere, or waiting out the spacing or
   * a backoff. False when only a sign-in helps (refused, signed out, legacy, auto-refresh off).
   */
  refreshPending: boolean;
  /** Why the last refresh attempts failed, while they are being retried (e.g. IAM Identity Center answered 500). */
  lastFailure?: string;
  /** This call refreshed the token. */
  refreshed?: boolean;
  /** Another process or tool wrote a new token meanwhile and it was taken instead of refreshing. */
  adopted?: boolean;
}

export interface RefreshTokenResult {
  accessToken: string;
  expiresIn: number;
  refreshToken?: string;
}

export interface RefreshRunnerDeps {
  env: Env;
  settings: Settings;
  /** Endpoint overrides (the emulator); unset services use AWS_ENDPOINT_URL_* from env, else AWS. */
  endpoints?: AwsEndpoints;
  now?: () => number;
  /** CreateToken(refresh_token); default: the SSO OIDC SDK client. */
  createToken?: (group: SsoSessionGroup, token: CachedToken) => Promise<RefreshTokenResult>;
  /** How long to wait for another process's refresh of the same session. Default 20 s. */
  lockWaitMs?: number;
  /** Parsed token files by stat, for the first look of each check; default: shared by the whole process. */
  readCache?: TokenReadCache;
  /** Give up on one CreateToken call after this long (transient failure). Default 30 s. */
  requestTimeoutMs?: number;
}

export interface CheckOptions {
  /** Refresh even outside the threshold, with auto-refresh off, or during backoff (an explicit user request). */
  force?: boolean;
}

export class RefreshRunner {
  private readonly inFlight = new Map<string, Promise<SessionCheck>>();
  private readonly status: SessionStatusStore;
  private readonly now: () => number;

  constructor(private readonly deps: RefreshRunnerDeps) {
    this.status = new SessionStatusStore(deps.env);
    this.now = deps.now ?? Date.now;
  }

  /** Checks (and refreshes when due) every SSO session of the config, or those `only` selects. */
  async checkAll(
    config: AwsConfig,
    opts: CheckOptions & { only?: (g: SsoSessionGroup) => boolean } = {},
  ): Promise<SessionCheck[]> {
    const groups = opts.only ? config.groups.filter(opts.only) : config.groups;
    const statuses = await this.status.readAll(); // one read for all sessions, not one per session
    return Promise.all(groups.map((g) => this.ensure(g, opts, statuses[g.tokenCacheKey] ?? null)));
  }

  /** The session's state after refreshing it if the policy says so. Never throws for SSO or network failures. */
  ensureFresh(group: SsoSessionGroup, opts: CheckOptions = {}): Promise<SessionCheck> {
    return this.ensure(group, opts);
  }

  private ensure(group: SsoSessionGroup, opts: CheckOptions, known?: SessionStatus | null): Promise<SessionCheck> {
    const key = group.tokenCacheKey;
    const running = this.inFlight.get(key);
    if (running) return running;
    const p = this.check(group, opts, known)
      .catch((err: unknown) => this.failed(group, err))
      .finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, p);
    return p;
  }

  /** `known`: the session's status already read by the caller (null: read, nothing recorded). */
  private async check(group: SsoSessionGroup, opts: CheckOptions, known?: SessionStatus | null): Promise<SessionCheck> {
    const history = known === undefined ? await this.status.get(group.tokenCacheKey) : (known ?? undefined);
    // First look through the stat cache; everything after this re-reads the file itself.
    const first = await sessionView(group, history, this.deps.settings, this.now(), {
      force: opts.force,
      cache: this.deps.readCache ?? tokenReadCache,
    });
    if (!first.decision.refresh) return this.result(group, first, history);
    return this.refreshUnderLock(group, first, opts);
  }

  private async refreshUnderLock(
    group: SsoSessionGroup,
    first: SessionView,
    opts: CheckOptions,
  ): Promise<SessionCheck> {
    const lock = await acquireFileLock(tokenLockPath(group.tokenCacheFile), {
      timeoutMs: this.deps.lockWaitMs ?? 20_000,
      staleMs: 30_000,
    });
    if (!lock) {
      // Someone else has held the token for the whole wait: report what is on disk now, do not pile on.
      return this.settle(group, {});
    }
    try {
      // Re-read under the lock: another process (or the AWS CLI) may have refreshed while we waited.
      const history = await this.status.get(group.tokenCacheKey);
      const changed = fingerprintOf(first) !== fingerprintOf(await this.peek(group));
      const again = await this.view(group, history, opts.force && !changed);
      if (!again.decision.refresh) {
        if (changed) await this.recordAdoption(group);
        return this.settle(group, { adopted: changed });
      }
      if (again.read.state !== "ok") return this.settle(group, {});
      return await this.refresh(group, again.read.token);
    } finally {
      await lock.release();
    }
  }

  private async refresh(group: SsoSessionGroup, before: CachedToken): Promise<SessionCheck> {
    const key = group.tokenCacheKey;
    const startedAt = this.now();
    let out: RefreshTokenResult;
    try {
      out = await (this.deps.createToken ?? this.sdkCreateToken.bind(this))(group, before);
    } catch (err) {
      const e = classifyRefreshError(err);
      // A client Identity Center no longer knows must not be reused by the next sign-in (ours or `aws sso login`).
      if (e.code === "InvalidClientException" && before.clientId && group.registrationCacheFile) {
        await forgetRegistration(group.registrationCacheFile, before.clientId).catch(() => undefined);
      }
      await this.recordFailure(group, before, e, startedAt);
      return this.settle(group, {});
    }
    // Just before writing, look again: a tool that ignores our lock (the AWS CLI) may have written a fresh token.
    const after = await this.view(group, await this.status.get(key), false);
    const foreign = after.read.state === "ok" && tokenFingerprint(after.read.token) !== tokenFingerprint(before);
    if (foreign && after.decision.state === "valid") {
      await this.recordAdoption(group);
      return this.settle(group, { adopted: true });
    }
    await writeToken(group.tokenCacheFile, {
      startUrl: before.startUrl ?? group.startUrl,
      region: before.region ?? group.ssoRegion,
      accessToken: out.accessToken,
      expiresAt: expiresAtFrom(startedAt, out.expiresIn),
      // The client that owns the refresh token travels with it, whatever else is in the file now.
      clientId: before.clientId,
      clientSecret: before.clientSecret,
      registrationExpiresAt: before.registrationExpiresAt,
      refreshToken: out.refreshToken ?? before.refreshToken,
    });
    await this.status.update(key, () => ({ failures: 0, lastAttemptAt: startedAt, lastSuccessAt: this.now() }));
    return this.settle(group, { refreshed: true });
  }

  /**
   * The SSO portal answered 401 (UnauthorizedException) for a token we thought valid (§6.4): try one refresh; if that
   * cannot happen or is refused, the session needs a login. A transient refresh failure leaves the state as it is.
   */
  async recoverFromUnauthorized(group: SsoSessionGroup): Promise<SessionCheck> {
    const startedAt = this.now();
    const check = await this.ensureFresh(group, { force: true });
    if (check.refreshed || check.adopted || check.state === "auth-required" || !check.token) return check;
    const status = await this.status.get(group.tokenCacheKey);
    if (status?.lastError?.kind === "transient" && (status.lastAttemptAt ?? 0) >= startedAt) return check;
    const fingerprint = tokenFingerprint(check.token);
    const reason =
      "IAM Identity Center no longer accepts this token (UnauthorizedException). " +
      "Sign in again (Authenticate in StormTunnel, `stormtunnel login <profile>` or `aws sso login`).";
    await this.status.update(group.tokenCacheKey, (prev) => ({
      ...prev,
      failures: 0,
      nextAttemptAt: undefined,
      authRequired: { reason, fingerprint, at: this.now() },
    }));
    return this.settle(group, {});
  }

  private async recordFailure(group: SsoSessionGroup, token: CachedToken, err: SsoError, at: number): Promise<void> {
    if (err.kind === "cancelled") return;
    const lastError = { kind: err.kind, message: err.message, at };
    await this.status.update(group.tokenCacheKey, (prev): SessionStatus => {
      if (err.kind === "transient") {
        const failures = (prev?.failures ?? 0) + 1;
        return { ...prev, failures, lastAttemptAt: at, nextAttemptAt: at + backoffMs(failures), lastError };
      }
      // Only a login fixes it; the access token stays in use until it expires.
      const expiresAt = parseCacheTimestamp(token.expiresAt)?.getTime() ?? at;
      const facts = { expiresAt, hasRefreshData: true, fingerprint: tokenFingerprint(token) };
      const idpSessionEnd = err.code === "InvalidGrantException" ? idpSessionEndFrom(facts, at) : undefined;
      return {
        failures: 0,
        lastAttemptAt: at,
        lastSuccessAt: prev?.lastSuccessAt,
        lastError,
        authRequired: { reason: err.message, fingerprint: facts.fingerprint, at, idpSessionEnd },
      };
    });
  }

  /** A token someone else wrote ends any backoff that was about the old one. */
  private async recordAdoption(group: SsoSessionGroup): Promise<void> {
    await this.status.update(group.tokenCacheKey, (prev) =>
      prev?.failures ? { ...prev, failures: 0, nextAttemptAt: undefined } : prev,
    );
  }

  /** A local failure (disk, lock, status file): report it on the session instead of failing every other one. */
  private async failed(group: SsoSessionGroup, err: unknown): Promise<SessionCheck> {
    const local = classifySsoError(err);
    const reason =
      local.kind === "local-file"
        ? local.message
        : `Token check failed: ${err instanceof Error ? err.message : String(err)}`;
    const view = await this.view(group, undefined, false).catch(() => undefined);
    if (!view) return { group, state: "signed-out", reason, tunnelUsable: false, refreshPending: false };
    return { ...this.result(group, view, undefined), reason };
  }

  private async settle(
    group: SsoSessionGroup,
    flags: { refreshed?: boolean; adopted?: boolean },
  ): Promise<SessionCheck> {
    const history = await this.status.get(group.tokenCacheKey);
    return { ...this.result(group, await this.view(group, history, false), history), ...flags };
  }

  private view(group: SsoSessionGroup, history: SessionStatus | undefined, force: boolean | undefined) {
    return sessionView(group, history, this.deps.settings, this.now(), { force });
  }

  private async peek(group: SsoSessionGroup) {
    return readToken(group.tokenCacheFile);
  }

  private result(group: SsoSessionGroup, view: SessionView, history: SessionStatus | undefined): SessionCheck {
    return {
      group,
      state: view.decision.state,
      token: view.read.state === "ok" ? view.read.token : undefined,
      reason: view.decision.reason ?? (view.decision.state === "expiring" ? history?.lastError?.message : undefined),
      expiresAt: view.expiresAt,
      idpSessionEnd: view.idpSessionEnd,
      retryAt: view.decision.retryAt,
      tunnelUsable: view.usable,
      refreshPending: refreshPending(view.decision),
      ...(history?.failures && history.lastError ? { lastFailure: history.lastError.message } : {}),
    };
  }

  private sdkCreateToken(group: SsoSessionGroup, token: CachedToken): Promise<RefreshTokenResult> {
    return createTokenWithSdk(this.deps, group, token);
  }
}

/** CreateToken(refresh_token) through the SSO OIDC SDK client, with a deadline; what a runner uses by default. */
export async function createTokenWithSdk(
  deps: Pick<RefreshRunnerDeps, "env" | "endpoints" | "requestTimeoutMs">,
  group: SsoSessionGroup,
  token: CachedToken,
): Promise<RefreshTokenResult> {
  // Loaded on first use: a check that finds fresh tokens never pays for the SDK.
  const [{ createTokenWithRefreshToken }, { resolveEndpoints }] = await Promise.all([
    import("./oidc"),
    import("../aws/sdk-config"),
  ]);
  // The SDK sets no request timeout; a black-holed network must not hold the token lock for minutes.
  const timeout = AbortSignal.timeout(deps.requestTimeoutMs ?? 30_000);
  try {
    return await createTokenWithRefreshToken({ ssoRegion: token.region ?? group.ssoRegion }, token, {
      endpoints: resolveEndpoints(deps.endpoints, deps.env, group),
      signal: timeout,
    });
  } catch (err) {
    if (timeout.aborted) {
      throw new SsoError("transient", "IAM Identity Center did not answer in time. Retrying later.", {
        code: "ETIMEDOUT",
        cause: err,
      });
    }
    throw err;
  }
}

function fingerprintOf(v: SessionView | Awaited<ReturnType<typeof readToken>>): string | undefined {
  const read = "read" in v ? v.read : v;
  return read.state === "ok" ? tokenFingerprint(read.token) : read.state;
}

/**
 * classifySsoError, plus one case it cannot see: the SDK re-wraps errors created in another JS realm (node's socket
 * errors seen from a vm sandbox such as jest) as "AWS SDK error wrapper for …", dropping the code. Only the socket
 * layer produces those, so they are network trouble: retry later, keep the token.
 */
function classifyRefreshError(err: unknown): SsoError {
  const e = classifySsoError(err);
  const message = (err as { message?: unknown } | undefined)?.message;
  if (e.kind === "config" && typeof message === "string" && message.startsWith("AWS SDK error wrapper for ")) {
    const what = /ECONN\w+|ETIMEDOUT|socket hang up|EHOSTUNREACH|ENOTFOUND/.exec(message)?.[0] ?? "network error";
    return new SsoError("transient", `Cannot reach IAM Identity Center (${what}). Check your network or VPN.`, {
      code: "NetworkError",
      cause: err,
    });
  }
  return e;
}
