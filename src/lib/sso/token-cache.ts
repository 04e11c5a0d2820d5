// The shared AWS CLI token cache file (~/.aws/sso/cache/<sha1>.json): the truth on disk every tool reads (§4).
import { promises as fs } from "node:fs";
import { readJsonFile, writeFileAtomic } from "../atomic-file";
import { formatCacheTimestamp, normalizeCacheTimestamp, parseCacheTimestamp } from "./timestamps";

export interface CachedToken {
  startUrl?: string;
  region?: string;
  accessToken: string;
  expiresAt: string;
  clientId?: string;
  clientSecret?: string;
  registrationExpiresAt?: string;
  refreshToken?: string;
  /** Fields other tools add (IDE toolkits' `scopes`, granted's `ssoSessionName`): kept on every rewrite. */
  [extra: string]: unknown;
}

export type TokenRead =
  | {
      state: "ok";
      token: CachedToken;
      expiresAt: Date;
      registrationExpiresAt?: Date;
      /** Has everything a refresh needs: clientId, clientSecret, refreshToken, a parseable registrationExpiresAt. */
      refreshable: boolean;
      mtimeMs: number;
    }
  | { state: "missing" }
  | { state: "corrupt"; reason: string };

/** Reads a token file, tolerating half-written JSON (retried), missing optional fields and every timestamp variant. */
export async function readToken(file: string): Promise<TokenRead> {
  const read = await readJsonFile(file);
  if (read.state !== "ok") return read;
  return tokenFromJson(read.value, read.mtimeMs);
}

/** Checks a parsed cache file: what every reader accepts as a token, and whether it carries what a refresh needs. */
export function tokenFromJson(value: unknown, mtimeMs: number): TokenRead {
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    return { state: "corrupt", reason: "the file does not hold a JSON object" };
  }
  const token = value as CachedToken;
  if (token.accessToken === undefined || token.accessToken === null || token.accessToken === "") {
    return { state: "corrupt", reason: "accessToken is missing" };
  }
  if (typeof token.accessToken !== "string") {
    return { state: "corrupt", reason: `accessToken is a ${jsonType(token.accessToken)}, not a string` };
  }
  const expiresAt = parseCacheTimestamp(token.expiresAt);
  if (!expiresAt) return { state: "corrupt", reason: "expiresAt is missing or not a timestamp" };
  const registrationExpiresAt = parseCacheTimestamp(token.registrationExpiresAt);
  const refreshable =
    isNonEmpty(token.clientId) &&
    isNonEmpty(token.clientSecret) &&
    isNonEmpty(token.refreshToken) &&
    registrationExpiresAt !== undefined;
  return { state: "ok", token, expiresAt, registrationExpiresAt, refreshable, mtimeMs };
}

/**
 * Writes a token the way every tool can read it: merged over the existing file (unknown fields kept; an existing
 * refreshToken is never dropped because the new token lacks one,
 * unless the new token comes from a different client), Z timestamps, atomic, 0600, directory 0700 if we
 * create it. Callers that read-modify-write take withFileLock(tokenLockPath(file)) around it.
 */
export async function writeToken(file: string, token: CachedToken): Promise<void> {
  const existing = await readJsonFile(file);
  const base =
    existing.state === "ok" && existing.value && typeof existing.value === "object" && !Array.isArray(existing.value)
      ? (existing.value as Record<string, unknown>)
      : {};
  const merged: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(token)) if (v !== undefined) merged[k] = v;
  // A refresh token belongs to the client that obtained it: keep it unless the new token comes from another client.
  const sameClient = !isNonEmpty(token.clientId) || token.clientId === base.clientId;
  if (!isNonEmpty(token.refreshToken) && isNonEmpty(base.refreshToken) && sameClient) {
    merged.refreshToken = base.refreshToken;
  } else if (!isNonEmpty(token.refreshToken) && !sameClient) {
    delete merged.refreshToken;
  }
  merged.expiresAt = normalizeCacheTimestamp(merged.expiresAt);
  if (merged.registrationExpiresAt !== undefined) {
    merged.registrationExpiresAt = normalizeCacheTimestamp(merged.registrationExpiresAt);
  }
  await writeFileAtomic(file, JSON.stringify(merged), { mode: 0o600, dirMode: 0o700 });
}

/** Removes a token file (a logout). Returns whether there was one. */
export async function deleteToken(file: string): Promise<boolean> {
  try {
    await fs.unlink(file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw err;
  }
}

/** The lock file guarding read-modify-write of one token file (ends in .lock, so cache scanners skip it). */
export function tokenLockPath(file: string): string {
  return `${file}.lock`;
}

/** expiresAt for a token that lives `expiresInSeconds` from `nowMs`, in the CLI's format. */
export function expiresAtFrom(nowMs: number, expiresInSeconds: number): string {
  return formatCacheTimestamp(nowMs + expiresInSeconds * 1000);
}

function jsonType(v: unknown): string {
  return Array.isArray(v) ? "list" : typeof v === "object" ? "JSON object" : typeof v;
}

function isNonEmpty(v: unknown): v is string {
  return typeof v === "string" && v !== "";
}
