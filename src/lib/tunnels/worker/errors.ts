// What a failure means for a tunnel worker: sign in again, fix permissions/config, or just retry later.
import { SESSION_RIGHTS } from "../../ssm/session-api";
import { describeLocalFileError, isLocalFileError } from "../../local-file";
import { SsoError } from "../../sso/errors";
import { AuthRequiredError, TunnelConfigError } from "./tunnel-auth";

export type FailureKind = "auth" | "permission" | "config" | "transient";

export interface Failure {
  kind: FailureKind;
  /** Shown in the state's lastError: actionable, never a token. */
  message: string;
}

/** The rights a port-forwarding tunnel needs on the instance (and the session document). */
export const REQUIRED_RIGHTS = SESSION_RIGHTS;

const AUTH_NAMES = new Set(["ExpiredTokenException", "UnrecognizedClientException", "InvalidClientTokenId"]);
const CONFIG_NAMES = new Set(["InvalidDocument", "InvalidParameters", "ValidationException", "InvalidTarget"]);

interface AwsLike {
  name?: string;
  message?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
}

function short(message: string | undefined): string {
  const m = (message ?? "").replace(/\s+/g, " ").trim();
  return m.length > 300 ? `${m.slice(0, 300)}…` : m;
}

export function classifyFailure(err: unknown): Failure {
  if (isLocalFileError(err)) {
    const problem = describeLocalFileError(err);
    return { kind: "config", message: `${problem.message} ${problem.fix}` };
  }
  if (err instanceof AuthRequiredError) return { kind: "auth", message: `Sign-in needed: ${err.message}` };
  if (err instanceof TunnelConfigError) return { kind: "config", message: err.message };
  if (err instanceof SsoError) {
    if (err.kind === "auth-required") return { kind: "auth", message: err.message };
    if (err.kind === "permission") return { kind: "permission", message: err.message };
    if (err.kind === "config" || err.kind === "local-file") return { kind: "config", message: err.message };
    return { kind: "transient", message: err.message };
  }
  const e = (err && typeof err === "object" ? err : {}) as AwsLike;
  const name = e.name ?? "";
  if (name === "AccessDeniedException") {
    const detail = short(e.message);
    const named = REQUIRED_RIGHTS.every((r) => detail.includes(r));
    return {
      kind: "permission",
      message: named
        ? detail
        : `Access denied by Session Manager${detail ? ` (${detail})` : ""}. The profile's role needs ${REQUIRED_RIGHTS.join(", ")} on the target instance and the port-forwarding documents.`,
    };
  }
  if (AUTH_NAMES.has(name))
    return { kind: "auth", message: `AWS rejected the role credentials (${name}); sign in again.` };
  if (name === "TargetNotConnected") {
    return {
      kind: "transient",
      message: `The target instance is not connected to Session Manager (${short(e.message)})`,
    };
  }
  // The data channel ended before it was ready (channel_closed, an unreadable handshake…): its message says why.
  if (name === "ChannelEndedError") return { kind: "transient", message: short(e.message) };
  if ((err as { permanent?: boolean }).permanent === true) return { kind: "config", message: short(e.message) };
  if (CONFIG_NAMES.has(name)) return { kind: "config", message: `${name}: ${short(e.message)}` };
  if (e.code === "EADDRINUSE" || e.code === "EACCES" || e.code === "EADDRNOTAVAIL") {
    return { kind: "config", message: short(e.message) };
  }
  const what = name && name !== "Error" ? `${name}: ` : "";
  return { kind: "transient", message: `${what}${short(e.message) || "unknown error"}` };
}

/** AWS's names for "too many requests" and "over a quota": the SDK has already retried these. */
const THROTTLING_NAMES = new Set([
  "ThrottlingException",
  "Throttling",
  "ThrottledException",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "SlowDown",
  "ServiceQuotaExceededException",
  "LimitExceededException",
]);

/**
 * What a pool member that could not open means for the pool (the first session is recovery's business):
 * `refused` shrinks the pool; `later` also says when it is worth asking again (throttling, quotas); `retry` is an
 * ordinary failure retried with backoff.
 */
export type MemberVerdict =
  { kind: "refused"; message: string } | { kind: "later"; message: string } | { kind: "retry"; message: string };

export function memberVerdict(err: unknown): MemberVerdict {
  const name = (err as { name?: unknown } | null)?.name;
  const failure = classifyFailure(err);
  if (typeof name === "string" && THROTTLING_NAMES.has(name)) return { kind: "later", message: failure.message };
  if (failure.kind === "permission" || failure.kind === "config") return { kind: "refused", message: failure.message };
  return { kind: "retry", message: failure.message };
}
