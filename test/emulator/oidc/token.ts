// CreateToken (POST /token): device code, authorization code + PKCE, refresh token.
import { timingSafeEqual } from "node:crypto";
import type { EmulatorContext } from "../context";
import { deviceCodeGrant } from "./device";
import { OidcError } from "./errors";
import { VERIFIER_PATTERN, s256 } from "./pkce";
import { allowsGrant, authenticateClient } from "./register";
import { DEVICE_CODE_GRANT, ssoState, type IssuedTokens, type Registration } from "./state";
import { optionalStrings, requireString, type Body } from "./validate";

export type GrantKind = "device_code" | "authorization_code" | "refresh_token" | "other";

export function grantKind(grantType: unknown): GrantKind {
  if (grantType === DEVICE_CODE_GRANT) return "device_code";
  if (grantType === "authorization_code" || grantType === "refresh_token") return grantType;
  return "other";
}

export function createToken(ctx: EmulatorContext, body: Body): Record<string, unknown> {
  const reg = authenticateClient(ctx, body);
  const grantType = requireString(body, "grantType");
  const kind = grantKind(grantType);
  if (kind === "other") throw new OidcError("UnsupportedGrantTypeException", `Unsupported grant type: ${grantType}`);
  if (!allowsGrant(reg, grantType)) {
    throw new OidcError("UnauthorizedClientException", `Client is not authorized for grant type ${grantType}`);
  }
  // The model says scope "has no effect", but scopes the client never registered are refused.
  const scope = optionalStrings(body, "scope");
  if (scope.some((s) => !reg.scopes.includes(s))) throw new OidcError("InvalidScopeException", "Invalid scope");

  let tokens: IssuedTokens;
  if (kind === "device_code") tokens = deviceCodeGrant(ctx, reg, body);
  else if (kind === "authorization_code") tokens = authorizationCodeGrant(ctx, reg, body);
  else tokens = refreshTokenGrant(ctx, reg, body);
  return {
    accessToken: tokens.accessToken,
    tokenType: "Bearer",
    expiresIn: tokens.expiresIn,
    refreshToken: tokens.refreshToken,
  };
}

function authorizationCodeGrant(ctx: EmulatorContext, reg: Registration, body: Body): IssuedTokens {
  const code = requireString(body, "code");
  const redirectUri = requireString(body, "redirectUri");
  const codeVerifier = requireString(body, "codeVerifier");
  if (!VERIFIER_PATTERN.test(codeVerifier)) throw new OidcError("InvalidRequestException", "Invalid code verifier");
  const state = ssoState(ctx);
  const record = state.authCodes.get(code);
  if (!record || record.clientId !== reg.clientId)
    throw new OidcError("InvalidGrantException", "Invalid grant provided");
  if (record.used) {
    // A replayed code means it leaked: what was issued from it stops working too (RFC 6749 §4.1.2).
    state.revokeLogin(record.loginId, "code reused");
    throw new OidcError("InvalidGrantException", "Authorization code has already been used");
  }
  record.used = true;
  if (ctx.clock.now() >= record.expiresAt)
    throw new OidcError("ExpiredTokenException", "Authorization code has expired");
  if (redirectUri !== record.redirectUri) throw new OidcError("InvalidGrantException", "Redirect URI mismatch");
  if (!sameString(s256(codeVerifier), record.codeChallenge)) {
    throw new OidcError("InvalidGrantException", "Code verifier does not match the code challenge");
  }
  return state.issueTokens(state.logins.get(record.loginId)!);
}

function refreshTokenGrant(ctx: EmulatorContext, reg: Registration, body: Body): IssuedTokens {
  const refreshToken = requireString(body, "refreshToken");
  const state = ssoState(ctx);
  const record = state.refreshTokens.get(refreshToken);
  if (!record || record.clientId !== reg.clientId || record.invalid || !state.loginActive(record.loginId)) {
    throw new OidcError("InvalidGrantException", "Invalid refresh token provided");
  }
  const login = state.logins.get(record.loginId)!;
  if (!ctx.knobs.rotateRefreshTokens) return state.issueTokens(login, refreshToken);
  record.invalid = "rotated";
  return state.issueTokens(login);
}

function sameString(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
