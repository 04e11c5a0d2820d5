// The login progress file ($STORMTUNNEL_HOME/logins/<sha1(tokenCacheKey)>.json): how the UI, a second CLI
// invocation or `login --cancel` follow a login running in another process. Holds no secrets.
import { createHash } from "node:crypto";
import { join } from "node:path";
import { ensureStormtunnelHome, stormtunnelHome, type Env } from "../../home";
import { readJsonFile, writeFileAtomic } from "../../atomic-file";
import { isProcessAlive } from "../../lock";

export type LoginStatus =
  "starting" | "waiting-for-browser" | "waiting-for-device-code" | "succeeded" | "failed" | "cancelled";

export interface LoginProgress {
  status: LoginStatus;
  pid: number;
  sessionKey: string;
  method: "pkce" | "device-code";
  startedAt: string;
  updatedAt: string;
  verificationUri?: string;
  verificationUriComplete?: string;
  userCode?: string;
  authorizeUrl?: string;
  /** User-facing message of a failure (never a token). */
  error?: string;
  /** SsoError kind of a failure, so a follower can rethrow the same class. */
  errorKind?: string;
  /** The browser could not be opened: show the URL / code instead. */
  browserError?: string;
}

/** Only the token cache key is needed to find a session's login. */
export interface LoginSessionRef {
  tokenCacheKey: string;
}

export function loginsDir(env: Env): string {
  return join(stormtunnelHome(env), "logins");
}

export function loginProgressFile(env: Env, group: LoginSessionRef): string {
  return join(loginsDir(env), `${sessionHash(group)}.json`);
}

/** One login per SSO session across processes: whoever holds this lock runs the login. */
export function loginLockFile(env: Env, group: LoginSessionRef): string {
  return join(loginsDir(env), `${sessionHash(group)}.lock`);
}

export async function readLoginProgress(env: Env, group: LoginSessionRef): Promise<LoginProgress | undefined> {
  const read = await readJsonFile(loginProgressFile(env, group));
  if (read.state !== "ok" || !read.value || typeof read.value !== "object") return undefined;
  const p = read.value as LoginProgress;
  return typeof p.status === "string" && typeof p.pid === "number" ? p : undefined;
}

export async function writeLoginProgress(env: Env, group: LoginSessionRef, progress: LoginProgress): Promise<void> {
  ensureStormtunnelHome(env);
  await writeFileAtomic(loginProgressFile(env, group), JSON.stringify(progress, null, 2), {
    mode: 0o600,
    dirMode: 0o700,
  });
}

export function isTerminal(status: LoginStatus): boolean {
  return status === "succeeded" || status === "failed" || status === "cancelled";
}

/** A login still running: not finished, and its process is alive (a crashed login is not waited for). */
export function isLiveLogin(p: LoginProgress | undefined): p is LoginProgress {
  return !!p && !isTerminal(p.status) && isProcessAlive(p.pid);
}

function sessionHash(group: LoginSessionRef): string {
  return createHash("sha1").update(group.tokenCacheKey, "utf8").digest("hex");
}
