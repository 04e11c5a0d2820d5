// Names of the files the AWS CLI shares with us in ~/.aws/sso/cache (sso-tokens.md §4.1, §4.5).
import { createHash } from "node:crypto";
import { join } from "node:path";
import { REFRESH_SCOPE } from "./sessions";

export function ssoCacheDir(homeDir: string): string {
  return join(homeDir, ".aws", "sso", "cache");
}

/** The token cache key the CLI and SDKs use: the sso-session name, else the legacy start URL exactly as configured. */
export function tokenCacheKeyFor(p: { sessionName?: string | null; startUrl: string }): string {
  return p.sessionName ?? p.startUrl;
}

export function sha1Hex(text: string): string {
  return createHash("sha1").update(text, "utf8").digest("hex");
}

export function tokenCacheFile(homeDir: string, key: string): string {
  return join(ssoCacheDir(homeDir), `${sha1Hex(key)}.json`);
}

export interface RegistrationKeyInput {
  startUrl: string;
  region: string;
  scopes: string[] | null;
  sessionName: string | null;
}

/** The string the CLI hashes for its client-registration cache: Python json.dumps(obj, sort_keys=True). */
export function registrationCacheKey(r: RegistrationKeyInput): string {
  return pythonJsonDumps({
    tool: "botocore",
    startUrl: r.startUrl,
    region: r.region,
    scopes: r.scopes,
    session_name: r.sessionName,
  });
}

/**
 * The registration StormTunnel keeps for a session. sso-session profiles share the CLI's own file. Legacy profiles
 * get the key the CLI would compute if it sent scopes for them (it never does: its legacy key always has
 * "scopes": null), so our scoped client (refresh tokens) and the CLI's scope-less one never overwrite each other.
 */
export function registrationKeyFor(s: {
  startUrl: string;
  ssoRegion: string;
  sessionName?: string;
  registrationScopes: string[] | null;
}): RegistrationKeyInput {
  const legacy = s.sessionName === undefined;
  return {
    startUrl: s.startUrl,
    region: s.ssoRegion,
    scopes: legacy ? [REFRESH_SCOPE] : s.registrationScopes,
    sessionName: s.sessionName ?? null,
  };
}

export function registrationCacheFile(homeDir: string, r: RegistrationKeyInput): string {
  return join(ssoCacheDir(homeDir), `${sha1Hex(registrationCacheKey(r))}.json`);
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/**
 * Python's json.dumps(value, sort_keys=True) with its defaults: separators ", " and ": ", ensure_ascii
 * (everything outside printable ASCII, DEL included, as lower-case \uXXXX; astral characters as surrogate pairs).
 */
export function pythonJsonDumps(value: Json): string {
  if (value === null || typeof value !== "object") return asciiOnly(JSON.stringify(value));
  if (Array.isArray(value)) return `[${value.map(pythonJsonDumps).join(", ")}]`;
  const keys = Object.keys(value).sort(byCodePoint);
  return `{${keys.map((k) => `${asciiOnly(JSON.stringify(k))}: ${pythonJsonDumps(value[k])}`).join(", ")}}`;
}

function asciiOnly(json: string): string {
  // JSON.stringify already escapes quotes, backslashes and control characters; Python also escapes the rest.
  return json.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

function byCodePoint(a: string, b: string): number {
  const x = [...a].map((c) => c.codePointAt(0) ?? 0);
  const y = [...b].map((c) => c.codePointAt(0) ?? 0);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}
