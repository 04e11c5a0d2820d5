// What Identity Center remembers: client registrations, pending authorizations, sign-in sessions and tokens.
// Shared by the OIDC and portal services through the emulator context.
import type { EmulatorContext } from "../context";
import { newAccessToken, newId, newRefreshToken } from "./ids";

export const ACCOUNT_ACCESS_SCOPE = "sso:account:access";
export const DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
/** Authorization codes are single-use and short-lived. */
export const AUTH_CODE_TTL_SECONDS = 300;
/** A consent page left open longer than the CLI waits (600 s) can no longer be decided. */
export const AUTHORIZE_REQUEST_TTL_SECONDS = 600;

export interface Registration {
  clientId: string;
  clientSecret: string;
  clientName: string;
  clientType: string;
  scopes: string[];
  redirectUris: string[];
  /** Empty when the client sent none (device-code clients of the CLI). */
  grantTypes: string[];
  issuerUrl?: string;
  issuedAt: number;
  /** Epoch seconds (clientSecretExpiresAt). */
  expiresAt: number;
}

/** The user's portal sign-in (the browser session): refresh stops working when it ends. */
export interface IdpSession {
  id: string;
  startedAt: number;
  ended: boolean;
}

/** One successful authorization of one client: owns its access and refresh tokens. */
export interface Login {
  id: string;
  idpSessionId: string;
  clientId: string;
  scopes: string[];
}

export interface AccessTokenRecord {
  loginId: string;
  clientId: string;
  scopes: string[];
  expiresAt: number;
  revoked: boolean;
}

export interface RefreshTokenRecord {
  loginId: string;
  clientId: string;
  /** Why it stopped working, if it did. */
  invalid?: "rotated" | "revoked" | "logged out" | "code reused";
}

export type DecisionStatus = "pending" | "approved" | "denied";

export interface DeviceAuthorization {
  deviceCode: string;
  userCode: string;
  clientId: string;
  startUrl: string;
  createdAt: number;
  expiresAt: number;
  /** Current required polling interval (s); grows by 5 after each slow_down. */
  interval: number;
  lastPollAt?: number;
  status: DecisionStatus | "consumed";
  loginId?: string;
}

export interface AuthorizationRequest {
  id: string;
  state: string;
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  scopes: string[];
  createdAt: number;
  status: DecisionStatus;
  /** Where the browser goes once decided. */
  location?: string;
}

export interface AuthCode {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  scopes: string[];
  expiresAt: number;
  loginId: string;
  used: boolean;
}

export interface IssuedTokens {
  accessToken: string;
  expiresIn: number;
  refreshToken?: string;
}

export class SsoState {
  readonly registrations = new Map<string, Registration>();
  readonly idpSessions = new Map<string, IdpSession>();
  readonly logins = new Map<string, Login>();
  readonly accessTokens = new Map<string, AccessTokenRecord>();
  readonly refreshTokens = new Map<string, RefreshTokenRecord>();
  readonly deviceAuthorizations = new Map<string, DeviceAuthorization>();
  readonly authorizationRequests = new Map<string, AuthorizationRequest>();
  readonly authCodes = new Map<string, AuthCode>();

  constructor(private readonly ctx: EmulatorContext) {}

  idpSessionActive(id: string): boolean {
    const s = this.idpSessions.get(id);
    if (!s || s.ended) return false;
    return this.ctx.clock.now() < s.startedAt + this.ctx.knobs.idpSessionTtlSeconds * 1000;
  }

  /** Approvals reuse the browser's live portal session, as the real portal does (re-login does not extend it). */
  currentIdpSession(): IdpSession {
    for (const s of this.idpSessions.values()) if (this.idpSessionActive(s.id)) return s;
    const s: IdpSession = { id: newId(), startedAt: this.ctx.clock.now(), ended: false };
    this.idpSessions.set(s.id, s);
    return s;
  }

  startLogin(clientId: string): Login {
    const reg = this.registrations.get(clientId);
    const login: Login = {
      id: newId(),
      idpSessionId: this.currentIdpSession().id,
      clientId,
      scopes: reg?.scopes ?? [],
    };
    this.logins.set(login.id, login);
    return login;
  }

  loginActive(loginId: string): boolean {
    const login = this.logins.get(loginId);
    return !!login && this.idpSessionActive(login.idpSessionId);
  }

  /**
   * Access token always; a refresh token only for clients registered with scopes, as Identity Center does: the CLI's
   * scope-less device-code clients (legacy profiles) get none, IDE clients with only codewhisperer:* scopes do.
   */
  issueTokens(login: Login, existingRefreshToken?: string): IssuedTokens {
    const ttl = this.ctx.knobs.accessTokenTtlSeconds;
    const accessToken = newAccessToken();
    this.accessTokens.set(accessToken, {
      loginId: login.id,
      clientId: login.clientId,
      scopes: login.scopes,
      expiresAt: this.ctx.clock.now() + ttl * 1000,
      revoked: false,
    });
    if (login.scopes.length === 0) return { accessToken, expiresIn: ttl };
    if (existingRefreshToken) return { accessToken, expiresIn: ttl, refreshToken: existingRefreshToken };
    const refreshToken = newRefreshToken();
    this.refreshTokens.set(refreshToken, { loginId: login.id, clientId: login.clientId });
    return { accessToken, expiresIn: ttl, refreshToken };
  }

  /** Ends a login's tokens: its access tokens are refused by the portal, its refresh tokens by CreateToken. */
  revokeLogin(loginId: string, reason: RefreshTokenRecord["invalid"]): void {
    for (const rec of this.accessTokens.values()) if (rec.loginId === loginId) rec.revoked = true;
    for (const rec of this.refreshTokens.values()) if (rec.loginId === loginId && !rec.invalid) rec.invalid = reason;
  }

  /** Valid for the portal: known, not revoked or expired, and its sign-in session not ended on purpose. */
  accessTokenValid(token: string): AccessTokenRecord | undefined {
    const rec = this.accessTokens.get(token);
    if (!rec || rec.revoked || this.ctx.clock.now() >= rec.expiresAt) return undefined;
    const login = this.logins.get(rec.loginId);
    const session = login && this.idpSessions.get(login.idpSessionId);
    if (!session || session.ended) return undefined;
    return rec;
  }

  registrationValid(clientId: unknown, clientSecret: unknown): Registration | undefined {
    if (typeof clientId !== "string") return undefined;
    const reg = this.registrations.get(clientId);
    if (!reg || reg.clientSecret !== clientSecret) return undefined;
    return this.ctx.clock.nowSeconds() < reg.expiresAt ? reg : undefined;
  }
}

const states = new WeakMap<EmulatorContext, SsoState>();

/** The one state per emulator, shared by the OIDC and portal services. */
export function ssoState(ctx: EmulatorContext): SsoState {
  let s = states.get(ctx);
  if (!s) states.set(ctx, (s = new SsoState(ctx)));
  return s;
}
