// Crash-safe small-file writes (temp + fsync + rename) and reads that survive another tool's in-place rewrite.
import { randomBytes } from "node:crypto";
import { promises as fs } from "node:fs";
import { basename, dirname, join } from "node:path";

/**
 * Writes `data` so readers see either the old or the new file, never half of one.
 * The temp name does not end in .json, so `aws sso logout` and cache scanners never pick it up.
 */
export async function writeFileAtomic(file: string, data: string, opts: { mode?: number; dirMode?: number } = {}) {
  const dir = dirname(file);
  await fs.mkdir(dir, { recursive: true, mode: opts.dirMode ?? 0o700 });
  const tmp = join(dir, `.${basename(file)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
  const handle = await fs.open(tmp, "wx", opts.mode ?? 0o600);
  try {
    await handle.writeFile(data, "utf8");
    await handle.sync();
  } catch (err) {
    await handle.close().catch(() => undefined);
    await fs.unlink(tmp).catch(() => undefined);
    throw err;
  }
  await handle.close();
  try {
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.unlink(tmp).catch(() => undefined);
    throw err;
  }
  await syncDir(dir);
}

/**
 * Fails now, with the file-system error writeFileAtomic would meet later (a folder we may not write in, a folder
 * where the file belongs, a file where a folder belongs), so a sign-in is not done only to lose its token.
 */
export async function probeWritable(file: string, opts: { dirMode?: number } = {}): Promise<void> {
  const dir = dirname(file);
  await fs.mkdir(dir, { recursive: true, mode: opts.dirMode ?? 0o700 });
  const st = await fs.stat(file).catch((err: NodeJS.ErrnoException) => {
    if (err.code === "ENOENT") return undefined;
    throw err;
  });
  if (st?.isDirectory()) {
    const err: NodeJS.ErrnoException = new Error(`EISDIR: illegal operation on a directory, open '${file}'`);
    throw Object.assign(err, { code: "EISDIR", errno: -21, syscall: "open", path: file });
  }
  const probe = join(dir, `.${basename(file)}.${process.pid}.${randomBytes(6).toString("hex")}.probe`);
  await (await fs.open(probe, "wx", 0o600)).close();
  await fs.unlink(probe);
}

/** Makes the rename itself durable; not every platform lets a directory be fsynced, which is fine. */
async function syncDir(dir: string): Promise<void> {
  const h = await fs.open(dir, "r").catch(() => undefined);
  if (!h) return;
  await h.sync().catch(() => undefined);
  await h.close().catch(() => undefined);
}

const QUICK_READS = 3;

export type JsonRead =
  { state: "ok"; value: unknown; mtimeMs: number } | { state: "missing" } | { state: "corrupt"; reason: string };

/**
 * Reads and parses a JSON file, re-reading up to `retries` times `delayMs` apart when the content is empty or
 * not valid JSON: the AWS CLI truncates and rewrites its cache files in place, so a reader can catch one mid-write.
 */
export async function readJsonFile(file: string, opts: { retries?: number; delayMs?: number } = {}): Promise<JsonRead> {
  const retries = opts.retries ?? 3;
  const delayMs = opts.delayMs ?? 50;
  let reason = "";
  // Each of the 1 + retries rounds (delayMs apart) re-reads a few times a few ms apart first: a busy in-place
  // writer is usually done within a millisecond or two.
  const reads = (retries + 1) * QUICK_READS;
  for (let attempt = 0; attempt < reads; attempt++) {
    if (attempt > 0) {
      const wait = attempt % QUICK_READS === 0 ? delayMs : 1 + Math.floor(Math.random() * 4);
      await new Promise((r) => setTimeout(r, wait));
    }
    let text: string;
    let mtimeMs: number;
    try {
      const handle = await fs.open(file, "r");
      try {
        mtimeMs = (await handle.stat()).mtimeMs;
        text = await handle.readFile("utf8");
      } finally {
        await handle.close();
      }
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "ENOENT") return { state: "missing" };
      if (code === "EISDIR") return { state: "corrupt", reason: "is a directory, not a file" };
      if (code === "EACCES" || code === "EPERM") {
        // Usually the whole folder, after `sudo aws sso login`: hand all of it back.
        const fix = `sudo chown -R "$(whoami)" "${dirname(file)}"`;
        return { state: "corrupt", reason: `${file} cannot be read by you (${code}); make it yours again: ${fix}` };
      }
      throw err;
    }
    if (text.trim() === "") {
      reason = "the file is empty";
      continue;
    }
    try {
      return { state: "ok", value: JSON.parse(text), mtimeMs };
    } catch {
      reason = "the file is not valid JSON";
    }
  }
  return { state: "corrupt", reason };
}
