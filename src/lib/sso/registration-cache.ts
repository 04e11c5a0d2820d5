// The AWS CLI's client-registration file (§4.5): read and written with the CLI's key, fields and reuse rules, so
// `aws sso login` and StormTunnel reuse each other's registration instead of registering a new client each time.
import { promises as fs } from "node:fs";
import type { SsoSessionGroup } from "../aws";
import { registrationCacheFile, registrationKeyFor } from "../aws";
import { readJsonFile, writeFileAtomic } from "../atomic-file";
import { formatCacheTimestamp, parseCacheTimestamp } from "./timestamps";

export type LoginFlow = "pkce" | "device-code";

export interface StoredRegistration {
  clientId: string;
  clientSecret: string;
  /** `clientSecretExpiresAt` as a Z timestamp. */
  expiresAt: string;
  /** Present only when scopes were sent at registration (always for PKCE). */
  scopes?: string[];
  /** Present only for PKCE registrations: ["authorization_code", "refresh_token"]. */
  grantTypes?: string[];
}

/** The CLI reuses a registration unless it expires within 15 minutes. */
export const REGISTRATION_REUSE_MARGIN_MS = 15 * 60_000;

export function registrationFileFor(homeDir: string, group: SsoSessionGroup): string {
  return registrationCacheFile(homeDir, registrationKeyFor(group));
}

export async function readRegistration(file: string): Promise<StoredRegistration | undefined> {
  const read = await readJsonFile(file);
  if (read.state !== "ok" || !read.value || typeof read.value !== "object") return undefined;
  const r = read.value as Record<string, unknown>;
  if (typeof r.clientId !== "string" || typeof r.clientSecret !== "string" || !parseCacheTimestamp(r.expiresAt)) {
    return undefined;
  }
  return {
    clientId: r.clientId,
    clientSecret: r.clientSecret,
    expiresAt: r.expiresAt as string,
    scopes: Array.isArray(r.scopes) ? (r.scopes as string[]) : undefined,
    grantTypes: Array.isArray(r.grantTypes) ? (r.grantTypes as string[]) : undefined,
  };
}

/**
 * The CLI's rules: not expiring within 15 minutes; PKCE needs a registration that allows authorization_code, the
 * device flow refuses one that does (such clients are registered for the loopback redirect only). And ours: it was
 * registered with scopes, since a scope-less client (the CLI's device flow without sso_registration_scopes) gets
 * tokens without a refresh token.
 */
export function isReusableFor(reg: StoredRegistration, flow: LoginFlow, nowMs: number): boolean {
  const expiresAt = parseCacheTimestamp(reg.expiresAt);
  if (!expiresAt || expiresAt.getTime() - nowMs <= REGISTRATION_REUSE_MARGIN_MS) return false;
  if (!reg.scopes?.length) return false;
  const authCode = reg.grantTypes?.includes("authorization_code") ?? false;
  return flow === "pkce" ? authCode : !authCode;
}

/**
 * Drops a registration Identity Center no longer accepts, so neither we nor `aws sso login` reuse it. Only if the
 * file still holds that client: someone may have registered a new one meanwhile.
 */
export async function forgetRegistration(file: string, clientId: string): Promise<void> {
  const current = await readRegistration(file);
  if (current?.clientId !== clientId) return;
  await fs.unlink(file).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== "ENOENT") throw err;
  });
}

export async function writeRegistration(file: string, reg: StoredRegistration): Promise<void> {
  const out: Record<string, unknown> = {
    clientId: reg.clientId,
    clientSecret: reg.clientSecret,
    expiresAt: formatCacheTimestamp(parseCacheTimestamp(reg.expiresAt) ?? new Date(reg.expiresAt)),
  };
  if (reg.scopes) out.scopes = reg.scopes;
  if (reg.grantTypes) out.grantTypes = reg.grantTypes;
  await writeFileAtomic(file, JSON.stringify(out), { mode: 0o600, dirMode: 0o700 });
}
