// What tests (and the CLI) can do to the emulated Identity Center besides calling its API.
import type { EmulatorContext } from "../context";
import type { AuthorizeRecord } from "./authorize";
import { decideAuthorization, requestOpen } from "./authorize";
import { decideDevice, findByUserCode } from "./device-page";
import { newClientId, newClientSecret } from "./ids";
import { ACCOUNT_ACCESS_SCOPE, DEVICE_CODE_GRANT, ssoState } from "./state";
import type { GrantKind } from "./token";

export interface PendingAuthorization {
  kind: "authorize" | "device";
  /** The state (authorize) or user code (device): what approve()/deny() take. */
  key: string;
  clientId: string;
  clientName: string;
  createdAt: number;
  redirectUri?: string;
  scopes?: string[];
}

export type Decision = { kind: "authorize"; location: string } | { kind: "device"; userCode: string };

/** A registration as tests may inspect it (the secret stays inside). */
export interface RegisteredClient {
  clientId: string;
  clientName: string;
  scopes: string[];
  grantTypes: string[];
  redirectUris: string[];
  issuerUrl?: string;
  issuedAt: number;
  expiresAt: number;
}

/** A ready-made login, for tests that start from a token cache file instead of a browser. */
export interface SeededLogin {
  clientId: string;
  clientSecret: string;
  /** Epoch seconds. */
  registrationExpiresAt: number;
  accessToken: string;
  /** Epoch milliseconds (emulator clock). */
  expiresAt: number;
  refreshToken?: string;
}

export interface OidcControls {
  /** Authorize requests and device codes waiting for a user. */
  pending(): PendingAuthorization[];
  /** Approve by state (authorize: returns the redirect the browser would follow) or by user code (device). */
  approve(key: string): Decision;
  deny(key: string): Decision;
  /** Invalidate every refresh token issued so far; returns how many were live. */
  revokeRefreshTokens(): number;
  /** End every portal sign-in session: refresh gives invalid_grant, the portal 401. Returns how many ended. */
  endIdpSessions(): number;
  /**
   * Forget every client registration issued so far (an administrator revoked them, or the instance was recreated):
   * API calls with them answer InvalidClientException (401) and /authorize shows its error page. Returns how many.
   */
  forgetClients(): number;
  /** CreateToken calls (including failed ones) by grant type. */
  readonly createTokenCalls: Record<GrantKind, number>;
  resetCounts(): void;
  /** The last GET /authorize: full URL and its query parameters. */
  readonly lastAuthorize: AuthorizeRecord | undefined;
  clients(): RegisteredClient[];
  seedLogin(options?: { scopes?: string[]; clientName?: string }): SeededLogin;
  /** Whether the portal would accept this access token now. */
  accessTokenValid(accessToken: string): boolean;
  /** Make the portal refuse one access token (401) while its login and refresh token live on; false if unknown. */
  revokeAccessToken(accessToken: string): boolean;
}

export interface OidcControlsInternal extends OidcControls {
  recordAuthorize(r: AuthorizeRecord): void;
  countCreateToken(kind: GrantKind): void;
}

export function createOidcControls(ctx: EmulatorContext): OidcControlsInternal {
  const state = ssoState(ctx);
  const counts: Record<GrantKind, number> = { device_code: 0, authorization_code: 0, refresh_token: 0, other: 0 };
  let last: AuthorizeRecord | undefined;
  const clientName = (id: string) => state.registrations.get(id)?.clientName ?? id;

  function decide(key: string, allow: boolean): Decision {
    for (const r of state.authorizationRequests.values()) {
      if (r.state === key && requestOpen(ctx, r)) {
        return { kind: "authorize", location: decideAuthorization(ctx, r, allow) };
      }
    }
    const d = findByUserCode(ctx, key);
    if (d && d.status === "pending" && ctx.clock.now() < d.expiresAt) {
      decideDevice(ctx, d, allow);
      return { kind: "device", userCode: d.userCode };
    }
    throw new Error(`no pending authorization with state or user code ${key}`);
  }

  return {
    pending() {
      const now = ctx.clock.now();
      const out: PendingAuthorization[] = [];
      for (const r of state.authorizationRequests.values()) {
        if (!requestOpen(ctx, r)) continue;
        out.push({
          kind: "authorize",
          key: r.state,
          clientId: r.clientId,
          clientName: clientName(r.clientId),
          createdAt: r.createdAt,
          redirectUri: r.redirectUri,
          scopes: r.scopes,
        });
      }
      for (const d of state.deviceAuthorizations.values()) {
        if (d.status !== "pending" || now >= d.expiresAt) continue;
        out.push({
          kind: "device",
          key: d.userCode,
          clientId: d.clientId,
          clientName: clientName(d.clientId),
          createdAt: d.createdAt,
        });
      }
      return out;
    },
    approve: (key) => decide(key, true),
    deny: (key) => decide(key, false),
    revokeRefreshTokens() {
      let n = 0;
      for (const rec of state.refreshTokens.values()) {
        if (!rec.invalid && state.loginActive(rec.loginId)) n++;
        rec.invalid ??= "revoked";
      }
      return n;
    },
    endIdpSessions() {
      let n = 0;
      for (const s of state.idpSessions.values()) {
        if (state.idpSessionActive(s.id)) n++;
        s.ended = true;
      }
      return n;
    },
    forgetClients() {
      const n = state.registrations.size;
      state.registrations.clear();
      return n;
    },
    createTokenCalls: counts,
    resetCounts() {
      for (const k of Object.keys(counts) as GrantKind[]) counts[k] = 0;
    },
    get lastAuthorize() {
      return last;
    },
    clients() {
      return [...state.registrations.values()].map((r) => ({
        clientId: r.clientId,
        clientName: r.clientName,
        scopes: r.scopes,
        grantTypes: r.grantTypes,
        redirectUris: r.redirectUris,
        issuerUrl: r.issuerUrl,
        issuedAt: r.issuedAt,
        expiresAt: r.expiresAt,
      }));
    },
    seedLogin(options = {}) {
      const scopes = options.scopes ?? [ACCOUNT_ACCESS_SCOPE];
      const clientId = newClientId();
      const issuedAt = ctx.clock.nowSeconds();
      const expiresAt = issuedAt + ctx.knobs.registrationTtlSeconds;
      const clientSecret = newClientSecret(clientId, issuedAt, expiresAt);
      state.registrations.set(clientId, {
        clientId,
        clientSecret,
        clientName: options.clientName ?? "seeded-client",
        clientType: "public",
        scopes,
        redirectUris: [],
        grantTypes: [DEVICE_CODE_GRANT, "refresh_token"],
        issuedAt,
        expiresAt,
      });
      const login = state.startLogin(clientId);
      const tokens = state.issueTokens(login);
      return {
        clientId,
        clientSecret,
        registrationExpiresAt: expiresAt,
        accessToken: tokens.accessToken,
        expiresAt: state.accessTokens.get(tokens.accessToken)!.expiresAt,
        refreshToken: tokens.refreshToken,
      };
    },
    accessTokenValid: (token) => !!state.accessTokenValid(token),
    revokeAccessToken(token) {
      const rec = state.accessTokens.get(token);
      if (rec) rec.revoked = true;
      return !!rec;
    },
    recordAuthorize(r) {
      last = r;
    },
    countCreateToken(kind) {
      counts[kind] += 1;
    },
  };
}
