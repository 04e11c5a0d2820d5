// Portal errors: status, x-amzn-ErrorType header and a {message} body (sso-tokens.md §8.2).
import { awsError, type EmulatorResponse } from "../http";

const PORTAL_ERRORS = {
  UnauthorizedException: 401,
  ForbiddenException: 403,
  ResourceNotFoundException: 404,
  TooManyRequestsException: 429,
  InvalidRequestException: 400,
} as const;

export type PortalErrorType = keyof typeof PORTAL_ERRORS;

export class PortalError extends Error {
  constructor(
    readonly type: PortalErrorType,
    message: string,
  ) {
    super(message);
  }
}

export const SESSION_INVALID = "Session token not found or invalid";

export function portalErrorResponse(operation: string, err: PortalError): EmulatorResponse {
  return awsError("sso", operation, PORTAL_ERRORS[err.type], err.type, { message: err.message });
}
