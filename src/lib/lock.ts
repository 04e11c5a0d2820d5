// The one cross-process lock (SSO token writes, logins, the saved-tunnels file): O_EXCL create, our pid inside, a
// heartbeat so long holders (a 10-minute login) stay fresh, and stale locks (dead pid, or no heartbeat for staleMs)
// broken so a crashed process never blocks forever.
import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import { dirname } from "node:path";
import { pidExists } from "./pid";
import { abortableSleep } from "./abortable-sleep";
import { isoTime } from "./iso-time";

/** Whether the process holding a lock or running a login still exists. */
export const isProcessAlive = pidExists;

export interface LockOptions {
  /** A lock whose holder is dead, or whose file has not been touched for this long, is taken over. Default 30 s. */
  staleMs?: number;
  /** Give up waiting after this long (LockBusyError from withFileLock). 0 = try once. Default 30 s. */
  timeoutMs?: number;
  /** Stop waiting when aborted (LockCancelledError). */
  signal?: AbortSignal;
}

export interface FileLock {
  path: string;
  release(): Promise<void>;
}

interface LockContent {
  pid: number;
  nonce: string;
  createdAt: string;
}

const POLL_MS = 50;

/** Another live process still held the lock when the wait ended. */
export class LockBusyError extends Error {
  readonly code = "LockTimeout";
  constructor(readonly path: string) {
    super(`Another StormTunnel process is busy with this (lock ${path}); try again.`);
    this.name = "LockBusyError";
  }
}

/** The wait for a lock was aborted; named like a DOM abort so error classifiers treat it as a cancel. */
export class LockCancelledError extends Error {
  readonly code = "ABORT_ERR";
  constructor(readonly path: string) {
    super(`Stopped waiting for the lock ${path}: cancelled.`);
    this.name = "AbortError";
  }
}

/** Runs fn while holding the lock at lockPath. */
export async function withFileLock<T>(lockPath: string, fn: () => Promise<T>, opts: LockOptions = {}): Promise<T> {
  const lock = await acquireFileLock(lockPath, opts);
  if (!lock) throw new LockBusyError(lockPath);
  try {
    return await fn();
  } finally {
    await lock.release();
  }
}

/** Takes the lock, waiting up to timeoutMs; undefined when it is still held by someone else by then. */
export async function acquireFileLock(lockPath: string, opts: LockOptions = {}): Promise<FileLock | undefined> {
  const staleMs = opts.staleMs ?? 30_000;
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  await fs.mkdir(dirname(lockPath), { recursive: true, mode: 0o700 });
  for (;;) {
    if (opts.signal?.aborted) throw new LockCancelledError(lockPath);
    const content: LockContent = {
      pid: process.pid,
      nonce: randomBytes(8).toString("hex"),
      createdAt: isoTime(),
    };
    if (await tryCreate(lockPath, content)) return held(lockPath, content, staleMs);
    await breakIfStale(lockPath, staleMs);
    if (Date.now() >= deadline) return undefined;
    await abortableSleep(POLL_MS + Math.floor(Math.random() * POLL_MS), opts.signal);
  }
}

/** Whether a lock file exists and its holder is alive (for "someone else is already doing this" decisions). */
export async function isLockHeld(lockPath: string, staleMs = 30_000): Promise<boolean> {
  const current = await readLock(lockPath);
  return current !== undefined && !(await isStale(lockPath, current, staleMs));
}

async function tryCreate(lockPath: string, content: LockContent): Promise<boolean> {
  try {
    const h = await fs.open(lockPath, "wx", 0o600);
    try {
      await h.writeFile(JSON.stringify(content));
    } finally {
      await h.close();
    }
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw err;
  }
}

function held(lockPath: string, content: LockContent, staleMs: number): FileLock {
  const beat = setInterval(
    () => {
      const now = new Date();
      void fs.utimes(lockPath, now, now).catch(() => undefined);
    },
    Math.max(100, Math.floor(staleMs / 3)),
  );
  beat.unref();
  let released = false;
  return {
    path: lockPath,
    async release() {
      if (released) return;
      released = true;
      clearInterval(beat);
      // Only remove the lock if it is still ours (it may have been broken as stale and re-taken).
      const current = await readLock(lockPath);
      if (current?.nonce === content.nonce) await fs.unlink(lockPath).catch(() => undefined);
    },
  };
}

async function readLock(lockPath: string): Promise<LockContent | undefined> {
  try {
    const parsed = JSON.parse(await fs.readFile(lockPath, "utf8")) as LockContent;
    return typeof parsed.pid === "number" ? parsed : { pid: 0, nonce: "", createdAt: "" };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    // Half-written or garbage: judged by its age alone.
    return { pid: 0, nonce: "", createdAt: "" };
  }
}

async function isStale(lockPath: string, content: LockContent, staleMs: number): Promise<boolean> {
  const stat = await fs.stat(lockPath).catch(() => undefined);
  if (!stat) return false;
  const old = Date.now() - stat.mtimeMs > staleMs;
  if (content.pid === 0) return old;
  return !isProcessAlive(content.pid) || old;
}

/** Moves a stale lock aside (rename is atomic, so only one breaker wins) and deletes it. */
async function breakIfStale(lockPath: string, staleMs: number): Promise<void> {
  const current = await readLock(lockPath);
  if (!current || !(await isStale(lockPath, current, staleMs))) return;
  const aside = `${lockPath}.stale-${process.pid}-${randomBytes(4).toString("hex")}`;
  try {
    await fs.rename(lockPath, aside);
  } catch {
    return; // someone else broke it first
  }
  const moved = await readLock(aside);
  if (moved && current.nonce && moved.nonce !== current.nonce) {
    // A live holder re-took the lock between our read and rename: give it back.
    await fs.link(aside, lockPath).catch(() => undefined);
  }
  await fs.unlink(aside).catch(() => undefined);
}
