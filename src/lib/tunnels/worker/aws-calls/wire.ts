// Between the worker and its AWS helper process: requests, answers, and errors that keep what the worker's failure
// handling looks at (class, AWS name, code, HTTP status, permanence) across the process boundary.
import { SessionApiError } from "../../../ssm/session-api";
import { SsoError, type SsoErrorKind } from "../../../sso/errors";
import { AuthRequiredError, TunnelConfigError } from "../tunnel-auth";
import type { AwsCalls } from "./calls";

export type Operation = Exclude<keyof AwsCalls, "close" | "warm">;
export const OPERATIONS: readonly Operation[] = [
  "startSession",
  "resumeSession",
  "terminateSession",
  "refreshToken",
  "login",
];

/** A call (with its arguments; an abort signal stays on the worker's side), or the cancellation of one. */
export type Request = { id: number; op: Operation; args: unknown[] } | { id: number; cancel: true };

/** The answer to a call, or news from a call still under way (a sign-in's progress). */
export type Answer =
  { id: number; result: unknown } | { id: number; error: WireError } | { id: number; progress: unknown };

export interface WireError {
  cls: "SsoError" | "AuthRequiredError" | "TunnelConfigError" | "SessionApiError" | "Error";
  name: string;
  message: string;
  code?: string;
  kind?: SsoErrorKind;
  permanent?: boolean;
  status?: number;
  fault?: string;
}

export function toWire(err: unknown): WireError {
  const e = (err && typeof err === "object" ? err : { message: String(err) }) as {
    name?: string;
    message?: string;
    code?: unknown;
    cause?: { code?: unknown };
    $metadata?: { httpStatusCode?: number };
    $fault?: string;
  };
  const code = typeof e.code === "string" ? e.code : typeof e.cause?.code === "string" ? e.cause.code : undefined;
  const base = {
    name: e.name ?? "Error",
    message: e.message ?? "",
    ...(code ? { code } : {}),
    ...(e.$metadata?.httpStatusCode ? { status: e.$metadata.httpStatusCode } : {}),
    ...(e.$fault ? { fault: e.$fault } : {}),
  };
  if (err instanceof SsoError) return { ...base, cls: "SsoError", kind: err.kind };
  if (err instanceof AuthRequiredError) return { ...base, cls: "AuthRequiredError" };
  if (err instanceof TunnelConfigError) return { ...base, cls: "TunnelConfigError" };
  if (err instanceof SessionApiError) return { ...base, cls: "SessionApiError", permanent: err.permanent };
  return { ...base, cls: "Error" };
}

export function fromWire(w: WireError): Error {
  switch (w.cls) {
    case "SsoError":
      return new SsoError(w.kind ?? "transient", w.message, { code: w.code });
    case "AuthRequiredError":
      return new AuthRequiredError(w.message);
    case "TunnelConfigError":
      return new TunnelConfigError(w.message);
    case "SessionApiError":
      return new SessionApiError(w.name, w.message, w.permanent ?? false);
  }
  const e = Object.assign(new Error(w.message), {
    name: w.name,
    ...(w.code ? { code: w.code } : {}),
    ...(w.status ? { $metadata: { httpStatusCode: w.status } } : {}),
    ...(w.fault ? { $fault: w.fault } : {}),
  });
  return e;
}
