// The §6.4 error classes: what an SSO failure means for the user (log in again, retry later, ask an admin, fix config).
import { describeLocalFileError, isLocalFileError } from "../local-file";
import { LockBusyError } from "../lock";

/** `local-file`: our own disk write failed (permissions, a file in the way): the user fixes it here, not at AWS. */
export type SsoErrorKind = "auth-required" | "transient" | "permission" | "config" | "cancelled" | "local-file";

/** An SSO failure whose message says what to do. Never carries a token or secret. */
export class SsoError extends Error {
  readonly kind: SsoErrorKind;
  /** The AWS exception name or system error code, when there is one (e.g. "InvalidGrantException", "ECONNREFUSED"). */
  readonly code?: string;

  constructor(kind: SsoErrorKind, message: string, options: { code?: string; cause?: unknown } = {}) {
    super(message);
    this.name = "SsoError";
    this.kind = kind;
    this.code = options.code;
    if (options.cause !== undefined) Object.defineProperty(this, "cause", { value: options.cause, enumerable: false });
  }
}

const AUTH_REQUIRED = new Set([
  "InvalidGrantException",
  "InvalidClientException",
  "UnauthorizedException",
  "ExpiredTokenException",
]);
const TRANSIENT = new Set([
  "InternalServerException",
  "SlowDownException",
  "TooManyRequestsException",
  "ThrottlingException",
  "ServiceUnavailableException",
  "TimeoutError",
  "RequestTimeout",
]);
const PERMISSION = new Set(["AccessDeniedException", "ForbiddenException"]);
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "ECONNABORTED",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
]);

const NETWORK_IN_MESSAGE = /\b(E[A-Z]{4,}|UND_ERR_[A-Z_]+)\b/;

const LOGIN_AGAIN = "Sign in again (Authenticate in StormTunnel, `stormtunnel login <profile>` or `aws sso login`).";

interface AwsLikeError {
  name?: string;
  code?: string;
  message?: string;
  $fault?: string;
  $metadata?: { httpStatusCode?: number };
  cause?: unknown;
}

/** Maps any error (AWS SDK, network, abort) to an SsoError with an actionable message. */
export function classifySsoError(err: unknown): SsoError {
  if (err instanceof SsoError) return err;
  if (err instanceof LockBusyError) {
    return new SsoError("transient", `Another StormTunnel process is busy with this SSO session (lock ${err.path}).`, {
      code: err.code,
      cause: err,
    });
  }
  if (isLocalFileError(err)) {
    const problem = describeLocalFileError(err);
    return new SsoError("local-file", `${problem.message} ${problem.fix}`, { code: problem.code, cause: err });
  }
  const e = (err && typeof err === "object" ? err : {}) as AwsLikeError;
  const name = e.name ?? "";
  const status = e.$metadata?.httpStatusCode;
  const detail = safeDetail(e.message);
  const networkCode = findNetworkCode(err);

  if (name === "AbortError" || e.code === "ABORT_ERR") {
    return new SsoError("cancelled", "The operation was cancelled.", { code: "AbortError", cause: err });
  }
  if (name === "InvalidClientException") {
    return new SsoError(
      "auth-required",
      "IAM Identity Center no longer accepts the client registration this sign-in was made with " +
        "(InvalidClientException: revoked or expired). Sign in again; StormTunnel registers a new client for you.",
      { code: name, cause: err },
    );
  }
  if (AUTH_REQUIRED.has(name) || status === 401) {
    return new SsoError("auth-required", `Your SSO session is no longer valid (${name || status}). ${LOGIN_AGAIN}`, {
      code: name || String(status),
      cause: err,
    });
  }
  if (PERMISSION.has(name) || status === 403) {
    return new SsoError("permission", `Access denied by IAM Identity Center (${name || status})${detail}.`, {
      code: name || String(status),
      cause: err,
    });
  }
  if (networkCode) {
    return new SsoError("transient", `Cannot reach IAM Identity Center (${networkCode}). Check your network or VPN.`, {
      code: networkCode,
      cause: err,
    });
  }
  if (TRANSIENT.has(name) || (status !== undefined && (status >= 500 || status === 429)) || e.$fault === "server") {
    return new SsoError("transient", `IAM Identity Center is temporarily unavailable (${name || status}). Retrying.`, {
      code: name || String(status),
      cause: err,
    });
  }
  return new SsoError("config", `IAM Identity Center rejected the request (${name || "error"})${detail}.`, {
    code: name || undefined,
    cause: err,
  });
}

/** System error codes hide in err.code, err.cause.code or err.errors[] (AggregateError from happy-eyeballs). */
function findNetworkCode(err: unknown, depth = 0): string | undefined {
  if (!err || typeof err !== "object" || depth > 4) return undefined;
  const e = err as { code?: unknown; cause?: unknown; errors?: unknown; name?: unknown };
  if (typeof e.code === "string" && NETWORK_CODES.has(e.code)) return e.code;
  // The SDK wraps non-Error throwables (e.g. from another realm) as "AWS SDK error wrapper for Error: connect …".
  const m =
    typeof (e as { message?: unknown }).message === "string"
      ? NETWORK_IN_MESSAGE.exec((e as { message: string }).message)
      : null;
  if (m && NETWORK_CODES.has(m[1])) return m[1];
  if (e.name === "TimeoutError" && depth === 0 && !("$metadata" in (err as object))) return "ETIMEDOUT";
  const fromCause = findNetworkCode(e.cause, depth + 1);
  if (fromCause) return fromCause;
  if (Array.isArray(e.errors))
    for (const x of e.errors) if (findNetworkCode(x, depth + 1)) return findNetworkCode(x, depth + 1);
  return undefined;
}

/** Service messages are safe to show, but keep them short and never echo anything token-shaped. */
function safeDetail(message: string | undefined): string {
  if (!message || message === "UnknownError") return "";
  const short = message.length > 200 ? `${message.slice(0, 200)}…` : message;
  return /(aoa|aor)[A-Za-z0-9_-]{12,}|eyJ[A-Za-z0-9_-]{12,}/.test(short) ? "" : `: ${short}`;
}
