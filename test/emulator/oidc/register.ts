// RegisterClient (POST /client/register).
import type { EmulatorContext } from "../context";
import { OidcError } from "./errors";
import { newClientId, newClientSecret } from "./ids";
import { acceptableRedirectUri } from "./redirect";
import { DEVICE_CODE_GRANT, ssoState, type Registration } from "./state";
import { checkScopes, optionalStrings, requireString, type Body } from "./validate";

const GRANT_TYPES = new Set(["authorization_code", "refresh_token", DEVICE_CODE_GRANT]);

export function registerClient(ctx: EmulatorContext, body: Body): Record<string, unknown> {
  const clientName = requireString(body, "clientName");
  const clientType = requireString(body, "clientType");
  if (clientType !== "public") throw new OidcError("InvalidClientMetadataException", "Invalid client type");
  const scopes = optionalStrings(body, "scopes");
  checkScopes(scopes);
  const grantTypes = optionalStrings(body, "grantTypes");
  for (const g of grantTypes) {
    if (!GRANT_TYPES.has(g)) throw new OidcError("InvalidClientMetadataException", `Unsupported grant type: ${g}`);
  }
  const redirectUris = optionalStrings(body, "redirectUris");
  for (const uri of redirectUris) {
    if (!acceptableRedirectUri(uri)) throw new OidcError("InvalidRedirectUriException", `Invalid redirect URI: ${uri}`);
  }
  if (grantTypes.includes("authorization_code") && redirectUris.length === 0) {
    throw new OidcError("InvalidRequestException", "redirectUris is required for the authorization_code grant");
  }
  const issuerUrl = typeof body.issuerUrl === "string" ? body.issuerUrl : undefined;

  const clientId = newClientId();
  const issuedAt = ctx.clock.nowSeconds();
  const expiresAt = issuedAt + ctx.knobs.registrationTtlSeconds;
  const reg: Registration = {
    clientId,
    clientSecret: newClientSecret(clientId, issuedAt, expiresAt),
    clientName,
    clientType,
    scopes,
    redirectUris,
    grantTypes,
    issuerUrl,
    issuedAt,
    expiresAt,
  };
  ssoState(ctx).registrations.set(clientId, reg);
  return {
    clientId,
    clientSecret: reg.clientSecret,
    clientIdIssuedAt: issuedAt,
    clientSecretExpiresAt: expiresAt,
    authorizationEndpoint: `${ctx.endpoint("ssoOidc")}/authorize`,
    tokenEndpoint: `${ctx.endpoint("ssoOidc")}/token`,
  };
}

/** Unknown, wrong secret or expired registration: InvalidClientException (401). */
export function authenticateClient(ctx: EmulatorContext, body: Body): Registration {
  const clientId = requireString(body, "clientId");
  const clientSecret = requireString(body, "clientSecret");
  const reg = ssoState(ctx).registrationValid(clientId, clientSecret);
  if (!reg) throw new OidcError("InvalidClientException", "Invalid client provided");
  return reg;
}

/** Clients that declared grant types may only use those; others get device code and refresh. */
export function allowsGrant(reg: Registration, grantType: string): boolean {
  if (reg.grantTypes.length > 0) return reg.grantTypes.includes(grantType);
  return grantType === DEVICE_CODE_GRANT || grantType === "refresh_token";
}
