// SSO-OIDC errors as §8.2 of sso-tokens.md describes them: status, x-amzn-ErrorType header, OAuth body.
import { awsError, type EmulatorResponse } from "../http";

const OIDC_ERRORS = {
  AccessDeniedException: [400, "access_denied"],
  AuthorizationPendingException: [400, "authorization_pending"],
  ExpiredTokenException: [400, "expired_token"],
  InternalServerException: [500, "server_error"],
  InvalidClientException: [401, "invalid_client"],
  InvalidClientMetadataException: [400, "invalid_client_metadata"],
  InvalidGrantException: [400, "invalid_grant"],
  InvalidRedirectUriException: [400, "invalid_redirect_uri"],
  InvalidRequestException: [400, "invalid_request"],
  InvalidScopeException: [400, "invalid_scope"],
  SlowDownException: [400, "slow_down"],
  UnauthorizedClientException: [400, "unauthorized_client"],
  UnsupportedGrantTypeException: [400, "unsupported_grant_type"],
} as const;

export type OidcErrorType = keyof typeof OIDC_ERRORS;

/** Thrown by handlers; the service turns it into the wire error. */
export class OidcError extends Error {
  constructor(
    readonly type: OidcErrorType,
    readonly description: string,
  ) {
    super(`${type}: ${description}`);
  }
}

export function oidcErrorResponse(operation: string, err: OidcError): EmulatorResponse {
  const [status, error] = OIDC_ERRORS[err.type];
  return awsError("sso-oidc", operation, status, err.type, {
    error,
    error_description: err.description,
  });
}

/** The OAuth `error` code of an exception, for redirects and HTML pages. */
export function oauthCode(type: OidcErrorType): string {
  return OIDC_ERRORS[type][1];
}
