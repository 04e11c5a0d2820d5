// When to refresh an SSO session and what state to show for it: pure functions of time, settings and facts on disk.
import type { Settings } from "../settings";

/** What the UI, the CLI and the tunnel worker show for a session (and so for each of its profiles). */
export type TokenState = "valid" | "expiring" | "refreshing" | "auth-required" | "expired" | "signed-out";

/** Backoff after a failed (transient) refresh while the token still works: 60 s doubling per failure, capped at 15 min. */
export const BACKOFF_BASE_MS = 60_000;
export const BACKOFF_CAP_MS = 15 * 60_000;

/** At most one attempt per session per minute, whatever the outcome (botocore's 60 s; §12). */
export const MIN_ATTEMPT_GAP_MS = 60_000;

export function backoffMs(failures: number): number {
  if (failures <= 0) return 0;
  return Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.min(failures - 1, 20));
}

/** The parts of a cached token the policy looks at (no secrets). */
export interface TokenFacts {
  expiresAt: number;
  /** clientId, clientSecret and refreshToken are all present. */
  hasRefreshData: boolean;
  registrationExpiresAt?: number;
  /** Short hash of the token, to tell whether a recorded failure is about this token or an older one. */
  fingerprint: string;
}

/** A refresh refused in a way only a login fixes (invalid_grant, expired registration, 401). */
export interface AuthRequired {
  reason: string;
  /** The token it was about: a new token (login, another tool's refresh) clears it. */
  fingerprint: string;
  at: number;
  /**
   * Known end of the IdP (portal) session: invalid_grant while the access token was still valid means the session
   * is over and this token is the last one, so the session ends at its expiresAt (epoch ms).
   */
  idpSessionEnd?: number;
}

/** What earlier attempts left behind (persisted in sso-status.json, shared by every process). */
export interface AttemptHistory {
  /** Transient failures in a row. */
  failures: number;
  lastAttemptAt?: number;
  /** When the last refresh succeeded (equal to or after lastAttemptAt when the last attempt was a success). */
  lastSuccessAt?: number;
  /** No automatic attempt before this (backoff). */
  nextAttemptAt?: number;
  /** A refresh was refused in a way only a login fixes; only counts while the token is still this one. */
  authRequired?: AuthRequired;
}

export type CacheFacts =
  { state: "ok"; token: TokenFacts } | { state: "missing" } | { state: "corrupt"; reason: string };

export interface PolicyInput {
  now: number;
  settings: Pick<Settings, "autoRefresh" | "refreshThresholdMs">;
  /** The session can refresh at all: sso-session style with registration scopes. */
  sessionCanRefresh: boolean;
  cache: CacheFacts;
  history?: AttemptHistory;
  /** A refresh of this session is running now (in this process or, by its lock file, in another). */
  inFlight?: boolean;
  /** User asked explicitly (`stormtunnel refresh --force`): ignore threshold, auto-refresh switch and backoff. */
  force?: boolean;
}

export interface Decision {
  state: TokenState;
  /** Call CreateToken(refresh_token) now. */
  refresh: boolean;
  /** Why the state is what it is, or why no refresh happens; shown to the user. */
  reason?: string;
  /** When an automatic attempt will be made next (backoff), if one is pending. */
  retryAt?: number;
}

/** A token without refresh data: typically `aws sso login` for a legacy profile, or a device-code login without scopes. */
export const NO_REFRESH_TOKEN =
  "this token has no refresh token (the AWS CLI signs legacy and device-code profiles in without one); sign in with StormTunnel to refresh it automatically";

/** Why this token cannot be refreshed silently, or undefined when it can. */
export function cannotRefreshReason(sessionCanRefresh: boolean, token: TokenFacts, now: number): string | undefined {
  if (!sessionCanRefresh) {
    return "this profile cannot refresh silently (its sso_registration_scopes lack sso:account:access)";
  }
  if (!token.hasRefreshData) return NO_REFRESH_TOKEN;
  if (token.registrationExpiresAt === undefined) return "the cached token has no registration expiry";
  if (token.registrationExpiresAt <= now) return "the client registration has expired";
  return undefined;
}

/** The one decision function: state to show and whether to refresh now. */
export function decide(input: PolicyInput): Decision {
  const { now, settings, cache, history } = input;
  if (cache.state === "missing") return { state: "signed-out", refresh: false, reason: "not signed in" };
  if (cache.state === "corrupt") {
    return { state: "auth-required", refresh: false, reason: `the token cache file is unreadable (${cache.reason})` };
  }
  const token = cache.token;
  if (input.inFlight) return { state: "refreshing", refresh: false };

  const expired = token.expiresAt <= now;
  const inWindow = token.expiresAt - now <= settings.refreshThresholdMs;
  const auth = history?.authRequired?.fingerprint === token.fingerprint ? history.authRequired : undefined;
  const blocked = cannotRefreshReason(input.sessionCanRefresh, token, now);

  if (input.force) {
    if (blocked)
      return { state: expired ? "expired" : inWindow ? "expiring" : "valid", refresh: false, reason: blocked };
    return { state: expired ? "expired" : inWindow ? "expiring" : "valid", refresh: true };
  }
  // A refusal only a login fixes sticks to this token: a new token (login, other tool) clears it.
  if (auth) return { state: "auth-required", refresh: false, reason: auth.reason };
  if (!inWindow) return { state: "valid", refresh: false };

  const state: TokenState = expired ? "expired" : "expiring";
  if (blocked) {
    // A session that used to refresh and no longer can needs a login; a legacy one simply runs out.
    const needsLogin = input.sessionCanRefresh && token.hasRefreshData;
    return { state: needsLogin ? "auth-required" : state, refresh: false, reason: blocked };
  }
  if (!settings.autoRefresh) return { state, refresh: false, reason: "automatic refresh is turned off" };
  const gapUntil = (history?.lastAttemptAt ?? -Infinity) + MIN_ATTEMPT_GAP_MS;
  // Before expiry a failing refresh backs off (the token still works). Once it has expired, tunnels wait on it: try
  // every minute, so they are back within about a minute of IAM Identity Center answering again.
  const retryAt = Math.max(expired ? gapUntil : (history?.nextAttemptAt ?? 0), gapUntil);
  if (retryAt > now) {
    const reason = history?.failures
      ? "waiting before retrying a failed refresh"
      : lastAttemptSucceeded(history)
        ? "refreshed less than a minute ago"
        : "a refresh was tried less than a minute ago";
    return { state, refresh: false, reason, retryAt };
  }
  return { state, refresh: true };
}

function lastAttemptSucceeded(history: AttemptHistory | undefined): boolean {
  return history?.lastSuccessAt !== undefined && history.lastSuccessAt >= (history.lastAttemptAt ?? 0);
}

/**
 * A silent refresh can still renew the token: one is due, running, or waiting out the spacing or a backoff. When
 * false and the token is not valid, only a sign-in helps.
 */
export function refreshPending(d: Decision): boolean {
  return d.state !== "auth-required" && (d.refresh || d.retryAt !== undefined || d.state === "refreshing");
}

/** Whether a tunnel can use the token right now (it may still carry an auth-required badge). */
export function tunnelUsable(cache: CacheFacts, now: number): boolean {
  return cache.state === "ok" && cache.token.expiresAt > now;
}

/**
 * invalid_grant while the access token is still valid: the IdP session is over and this token is the last one, so
 * the session ends when it expires. After expiry the refusal says nothing more precise, so nothing is recorded.
 */
export function idpSessionEndFrom(token: TokenFacts, now: number): number | undefined {
  return token.expiresAt > now ? token.expiresAt : undefined;
}
