// Waiting in `auth-required` without spinning: fs.watch on the token cache directory (logins replace the file by
// rename, so the directory is what changes) plus a slow poll for file systems where watching is unreliable.
import { watch, type FSWatcher } from "node:fs";
import { mkdir, stat } from "node:fs/promises";
import { basename, dirname } from "node:path";

export interface TokenWatchOptions {
  signal?: AbortSignal;
  /** Fallback poll; watching normally answers within milliseconds. */
  pollMs?: number;
  /** Is the file's new content a usable token? Called after each change; the wait ends when it says yes. */
  isUsable: () => Promise<boolean>;
  /** Only a change counts (the current token was rejected by AWS even though it looks valid). */
  requireChange?: boolean;
}

async function fingerprint(file: string): Promise<string> {
  try {
    const s = await stat(file);
    return `${s.mtimeMs}:${s.size}:${s.ino}`;
  } catch {
    return "missing";
  }
}

/** Resolves once the token file holds a token `isUsable()` accepts (now or after a change); rejects when aborted. */
export async function waitForTokenChange(file: string, options: TokenWatchOptions): Promise<void> {
  const dir = dirname(file);
  const name = basename(file);
  await mkdir(dir, { recursive: true, mode: 0o700 }).catch(() => undefined);
  let last = await fingerprint(file);
  // A login may have finished just before we started watching: the fingerprint above is taken first, so nothing is missed.
  if (!options.requireChange && (await options.isUsable())) return;
  return new Promise<void>((resolve, reject) => {
    let watcher: FSWatcher | undefined;
    let checking = false;
    let again = false;
    const finish = (err?: Error) => {
      clearInterval(poll);
      watcher?.close();
      options.signal?.removeEventListener("abort", onAbort);
      if (err) reject(err);
      else resolve();
    };
    const check = async () => {
      if (checking) {
        again = true;
        return;
      }
      checking = true;
      try {
        do {
          again = false;
          const now = await fingerprint(file);
          if (now === last || now === "missing") {
            last = now;
            continue;
          }
          last = now;
          if (await options.isUsable()) return finish();
        } while (again);
      } finally {
        checking = false;
      }
    };
    const onAbort = () => finish(new Error("aborted"));
    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener("abort", onAbort, { once: true });
    try {
      watcher = watch(dir, { persistent: false }, (_event, changed) => {
        if (!changed || changed.toString() === name) void check();
      });
      watcher.on("error", () => watcher?.close());
    } catch {
      // No watching here (e.g. a network file system): the poll below still finds the token.
    }
    const poll = setInterval(() => void check(), options.pollMs ?? 5000);
  });
}
