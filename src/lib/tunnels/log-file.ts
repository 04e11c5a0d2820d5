// A tunnel's log file: one previous generation is kept once it passes LOG_ROTATE_BYTES. The supervisor rotates it
// before a worker starts; a running worker rotates it in place (its stdout and stderr stay on the same file).
import { copyFileSync, fstatSync, ftruncateSync, renameSync, statSync } from "node:fs";

/** Logs are appended by every run of a tunnel: keep one previous generation once a log passes 5 MB. */
export const LOG_ROTATE_BYTES = 5 * 1024 * 1024;

/** Before a run: the grown log becomes `<file>.1`. */
export function rotateLog(file: string): void {
  try {
    if (statSync(file).size > LOG_ROTATE_BYTES) renameSync(file, `${file}.1`);
  } catch {
    // no log yet
  }
}

/**
 * While running: `fd` (the worker's stdout, opened in append mode by the launcher) is the log. Renaming would leave it
 * writing to `<file>.1`, so the log is copied there and truncated; append mode puts the next line at the new start.
 * Does nothing unless `fd` really is `file` (a worker run by hand logs to a terminal).
 */
export class RunningLogRotation {
  private sinceCheck = 0;

  constructor(
    private readonly file: string,
    private readonly fd = 1,
    private readonly limit = LOG_ROTATE_BYTES,
    /** How much is written between two looks at the file's size. */
    private readonly checkEvery = 64 * 1024,
  ) {}

  /** Call after writing `bytes` to the log. */
  wrote(bytes: number): void {
    this.sinceCheck += bytes;
    if (this.sinceCheck < this.checkEvery) return;
    this.sinceCheck = 0;
    try {
      const open = fstatSync(this.fd);
      if (open.size <= this.limit) return;
      const named = statSync(this.file);
      if (named.ino !== open.ino || named.dev !== open.dev) return;
      copyFileSync(this.file, `${this.file}.1`);
      ftruncateSync(this.fd, 0);
    } catch {
      // A log that cannot be rotated must not stop the tunnel; it is rotated at the next start.
    }
  }
}
