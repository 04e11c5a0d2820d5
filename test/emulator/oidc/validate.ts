// Request-body checks shared by the OIDC operations; failures become InvalidRequestException.
import { OidcError } from "./errors";

export type Body = Record<string, unknown>;

export function parseBody(raw: Buffer): Body {
  if (raw.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(raw.toString("utf8"));
  } catch {
    throw new OidcError("InvalidRequestException", "Invalid request");
  }
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    throw new OidcError("InvalidRequestException", "Invalid request");
  }
  return value as Body;
}

export function requireString(body: Body, field: string): string {
  const v = body[field];
  if (typeof v !== "string" || v.length === 0) {
    throw new OidcError("InvalidRequestException", `Missing required parameter: ${field}`);
  }
  return v;
}

export function optionalStrings(body: Body, field: string): string[] {
  const v = body[field];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) {
    throw new OidcError("InvalidRequestException", `Invalid parameter: ${field}`);
  }
  return v as string[];
}

/** Scope strings as Identity Center accepts them (e.g. sso:account:access, codewhisperer:completions). */
export function checkScopes(scopes: string[]): void {
  for (const s of scopes) {
    if (!/^[A-Za-z0-9_.:*/-]{1,256}$/.test(s)) throw new OidcError("InvalidScopeException", `Invalid scope: ${s}`);
  }
}
