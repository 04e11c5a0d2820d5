// The emulator's HTTP vocabulary: requests, responses, faults, log entries (secrets redacted) and AWS error bodies.
import type { IncomingHttpHeaders } from "node:http";
import type { EndpointName } from "./endpoints";

export interface EmulatorRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface EmulatorResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Service and operation, for the request log and for fault matching. */
  service: string;
  operation: string;
  /** The parsed request to log; redacted before it is stored. */
  logged?: unknown;
  /** Error code for the log when the protocol carries it in the body only (query-protocol XML errors). */
  errorType?: string;
}

/** A service answers the requests it owns and returns undefined for the rest. */
export type Service = (req: EmulatorRequest) => Promise<EmulatorResponse | undefined> | EmulatorResponse | undefined;

/** Identifies a request before it is handled, so faults can be injected for it. */
export type Classifier = (req: EmulatorRequest) => { service: string; operation: string } | undefined;

export interface LogEntry {
  at: number;
  service: string;
  operation: string;
  /** The listener the request reached (absent for data-channel events). */
  endpoint?: EndpointName;
  method: string;
  path: string;
  status: number;
  errorType?: string;
  request?: unknown;
  fault?: string;
}

export interface Fault {
  service: string;
  operation?: string;
  /** How many matching requests it affects; Infinity for all. */
  times: number;
  /** Added latency before answering (ms). */
  delayMs?: number;
  /**
   * Called when a matching request arrives; its answer waits until the returned promise settles. A test's gate: it
   * learns that the call is in flight and decides when it completes, with no sleep racing the client.
   */
  hold?: () => Promise<unknown>;
  /** Answer with this error instead of the real handler. */
  status?: number;
  errorType?: string;
  /** Error body; defaults to a REST-JSON {message}. */
  body?: string;
  /** Destroy the socket without an answer (a dead network). */
  dropConnection?: boolean;
}

const SECRET_KEYS =
  /^(accessToken|refreshToken|clientSecret|deviceCode|codeVerifier|TokenValue|tokenValue|secretAccessKey|sessionToken|SecretAccessKey|SessionToken|idToken|authorization|x-amz-sso_bearer_token|x-amz-security-token)$/i;

/** OAuth authorization codes live in SSO OIDC only; elsewhere `code` is no secret (a WebSocket close code). */
const OAUTH_CODE_SERVICE = "sso-oidc";

/** Replaces secret values with a fixed marker, recursively; `service` is the log entry's. */
export function redact(value: unknown, service?: string): unknown {
  const secret = (k: string) => SECRET_KEYS.test(k) || (k === "code" && service === OAUTH_CODE_SERVICE);
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = secret(k) && x ? "<redacted>" : walk(x);
      return out;
    }
    return v;
  };
  return walk(value);
}

export function json(
  service: string,
  operation: string,
  status: number,
  payload: unknown,
  headers: Record<string, string> = {},
): EmulatorResponse {
  return {
    service,
    operation,
    status,
    headers: { "content-type": "application/json", ...headers },
    body: payload === undefined ? "" : JSON.stringify(payload),
  };
}

/** An AWS REST-JSON / JSON 1.1 error: the x-amzn-ErrorType header is what SDKs map to an exception. */
export function awsError(
  service: string,
  operation: string,
  status: number,
  errorType: string,
  body: Record<string, unknown>,
): EmulatorResponse {
  return json(service, operation, status, body, { "x-amzn-errortype": errorType });
}
