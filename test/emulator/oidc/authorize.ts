// The browser side of authorization code + PKCE: GET /authorize (consent), POST /authorize (Allow/Deny),
// GET /authorize/status (lets the consent page follow a decision made by a test).
import type { EmulatorContext } from "../context";
import { json, type EmulatorRequest, type EmulatorResponse } from "../http";
import { oauthCode, type OidcErrorType } from "./errors";
import { newAuthCode, newId } from "./ids";
import { authorizePage, messagePage } from "./pages";
import { CHALLENGE_PATTERN } from "./pkce";
import { redirectUriMatches, withParams } from "./redirect";
import { AUTH_CODE_TTL_SECONDS, AUTHORIZE_REQUEST_TTL_SECONDS, ssoState, type AuthorizationRequest } from "./state";

export interface AuthorizeRecord {
  url: string;
  params: Record<string, string>;
}

const OP = "Authorize";

function html(status: number, body: string, logged: unknown): EmulatorResponse {
  return {
    service: "sso-oidc",
    operation: OP,
    status,
    headers: { "content-type": "text/html; charset=utf-8" },
    body,
    logged,
  };
}

function redirect(location: string, logged: unknown): EmulatorResponse {
  return { service: "sso-oidc", operation: OP, status: 302, headers: { location }, body: "", logged };
}

export function getAuthorize(ctx: EmulatorContext, req: EmulatorRequest, record: (r: AuthorizeRecord) => void) {
  const params = Object.fromEntries(req.query);
  record({ url: `${ctx.endpoint("ssoOidc")}${req.path}?${req.query.toString()}`, params });
  const logged = params;
  const state = ssoState(ctx);
  const reg = state.registrations.get(params.client_id ?? "");
  // Without a trustworthy client and redirect URI the error is shown, never redirected (RFC 6749 §4.1.2.1).
  if (!reg || ctx.clock.nowSeconds() >= reg.expiresAt) {
    return html(400, messagePage("Error", `${oauthCode("InvalidClientException")}: unknown client`), logged);
  }
  const redirectUri = params.redirect_uri ?? "";
  if (!reg.redirectUris.some((r) => redirectUriMatches(r, redirectUri))) {
    return html(
      400,
      messagePage("Error", `${oauthCode("InvalidRedirectUriException")}: redirect URI not registered`),
      logged,
    );
  }
  const fail = (type: OidcErrorType | "unsupported_response_type", description: string) =>
    redirect(
      withParams(redirectUri, {
        error: type === "unsupported_response_type" ? type : oauthCode(type),
        error_description: description,
        state: params.state,
      }),
      logged,
    );
  if (params.response_type !== "code") return fail("unsupported_response_type", "response_type must be code");
  if (!reg.grantTypes.includes("authorization_code")) {
    return fail("UnauthorizedClientException", "client is not registered for authorization_code");
  }
  if (params.code_challenge_method !== "S256" || !CHALLENGE_PATTERN.test(params.code_challenge ?? "")) {
    return fail("InvalidRequestException", "a S256 code_challenge is required");
  }
  if (!params.state) return fail("InvalidRequestException", "state is required");
  // The CLI sends `scopes` (space-separated); standard clients send `scope`.
  const scopes = (params.scopes ?? params.scope ?? "").split(" ").filter(Boolean);
  if (scopes.some((s) => !reg.scopes.includes(s))) return fail("InvalidScopeException", "scope not registered");

  const request: AuthorizationRequest = {
    id: newId(),
    state: params.state,
    clientId: reg.clientId,
    redirectUri,
    codeChallenge: params.code_challenge!,
    scopes: scopes.length ? scopes : reg.scopes,
    createdAt: ctx.clock.now(),
    status: "pending",
  };
  state.authorizationRequests.set(request.id, request);
  if (ctx.knobs.autoApprove) return redirect(decideAuthorization(ctx, request, true), logged);
  return html(200, authorizePage(request.id, reg.clientName, request.scopes), logged);
}

export function postAuthorize(ctx: EmulatorContext, req: EmulatorRequest): EmulatorResponse {
  const form = new URLSearchParams(req.body.toString("utf8"));
  const logged = Object.fromEntries(form);
  const request = ssoState(ctx).authorizationRequests.get(form.get("request_id") ?? "");
  if (request?.location) return redirect(request.location, logged);
  if (!request || !requestOpen(ctx, request)) {
    return html(400, messagePage("Error", "Unknown or expired authorization request"), logged);
  }
  return redirect(decideAuthorization(ctx, request, form.get("decision") === "allow"), logged);
}

export function authorizeStatus(ctx: EmulatorContext, req: EmulatorRequest): EmulatorResponse {
  const request = ssoState(ctx).authorizationRequests.get(req.query.get("request_id") ?? "");
  const res = json("sso-oidc", OP, request ? 200 : 404, { status: request?.status, location: request?.location });
  return { ...res, logged: Object.fromEntries(req.query) };
}

export function requestOpen(ctx: EmulatorContext, request: AuthorizationRequest): boolean {
  return request.status === "pending" && ctx.clock.now() < request.createdAt + AUTHORIZE_REQUEST_TTL_SECONDS * 1000;
}

/** Allow issues a single-use code bound to the client, redirect URI and challenge; Deny sends access_denied. */
export function decideAuthorization(ctx: EmulatorContext, request: AuthorizationRequest, allow: boolean): string {
  if (request.location) return request.location;
  if (!allow) {
    request.status = "denied";
    request.location = withParams(request.redirectUri, {
      error: "access_denied",
      error_description: "The user denied the request",
      state: request.state,
    });
    return request.location;
  }
  const state = ssoState(ctx);
  const code = newAuthCode();
  state.authCodes.set(code, {
    clientId: request.clientId,
    redirectUri: request.redirectUri,
    codeChallenge: request.codeChallenge,
    scopes: request.scopes,
    expiresAt: ctx.clock.now() + AUTH_CODE_TTL_SECONDS * 1000,
    loginId: state.startLogin(request.clientId).id,
    used: false,
  });
  request.status = "approved";
  request.location = withParams(request.redirectUri, { code, state: request.state });
  return request.location;
}
