// Failures of our own disk writes (token cache, registration, login progress, state): said as what is wrong with
// which path and how to fix it, never blamed on AWS. A root-owned ~/.aws/sso/cache after `sudo aws sso login` and a
// STORMTUNNEL_HOME that points at a file are the usual causes.
import { statSync } from "node:fs";
import { dirname } from "node:path";

const LOCAL_CODES = new Set(["EACCES", "EPERM", "EISDIR", "ENOTDIR", "EROFS", "ENOSPC", "EDQUOT", "ELOOP"]);

interface FsError {
  code?: unknown;
  path?: unknown;
  dest?: unknown;
  syscall?: unknown;
}

/** A Node file-system error that only the user can fix on this machine (not a network or AWS failure). */
export function isLocalFileError(err: unknown): err is NodeJS.ErrnoException & { path: string } {
  const e = err as FsError | undefined;
  return !!e && typeof e.code === "string" && LOCAL_CODES.has(e.code) && typeof e.path === "string";
}

export interface LocalFileProblem {
  code: string;
  /** The path the user has to act on (a directory to chown, a file in the way). */
  path: string;
  message: string;
  fix: string;
}

/** What went wrong on disk and the command that fixes it. */
export function describeLocalFileError(err: NodeJS.ErrnoException & { path: string }): LocalFileProblem {
  const code = err.code as string;
  const target = typeof (err as FsError).dest === "string" ? ((err as FsError).dest as string) : err.path;
  const creating = err.syscall === "open" || err.syscall === "mkdir" || err.syscall === "rename";
  switch (code) {
    case "EACCES":
    case "EPERM": {
      // Creating an entry needs the folder it goes in; anything else needs the path itself.
      const where = creating ? dirname(err.path) : err.path;
      return {
        code,
        path: where,
        message: `StormTunnel may not write in ${where} (${code}).`,
        fix:
          `Make it yours again: sudo chown -R "$(whoami)" "${where}" ` +
          "(running `sudo aws sso login` leaves it owned by root).",
      };
    }
    case "EISDIR":
      return {
        code,
        path: target,
        message: `${target} is a folder, where StormTunnel needs to write a file (${code}).`,
        fix: `Remove the folder or move it aside: rmdir "${target}".`,
      };
    case "ENOTDIR": {
      const blocker = fileOnPath(target) ?? target;
      return {
        code,
        path: blocker,
        message: `${blocker} is a file, where StormTunnel needs a folder for ${target} (${code}).`,
        fix: `Move the file aside (mv "${blocker}" "${blocker}.bak"), or point STORMTUNNEL_HOME / AWS_CONFIG_FILE at a folder.`,
      };
    }
    case "EROFS":
      return {
        code,
        path: target,
        message: `${target} is on a read-only file system (${code}).`,
        fix: "Point STORMTUNNEL_HOME or HOME at a writable place.",
      };
    case "ENOSPC":
    case "EDQUOT":
      return {
        code,
        path: target,
        message: `The disk holding ${target} is full (${code}).`,
        fix: "Free some space and try again.",
      };
    default:
      return {
        code,
        path: target,
        message: `StormTunnel cannot write ${target} (${code}).`,
        fix: "Check the path and its permissions.",
      };
  }
}

/** An error's message for the user: local file problems with their fix, anything else as it is. */
export function explainError(err: unknown): string {
  if (isLocalFileError(err)) {
    const p = describeLocalFileError(err);
    return `${p.message} ${p.fix}`;
  }
  return err instanceof Error ? err.message : String(err);
}

/** The first existing ancestor of `path` that is a file rather than a folder (what makes ENOTDIR). */
function fileOnPath(path: string): string | undefined {
  let found: string | undefined;
  for (let p = path; ; p = dirname(p)) {
    try {
      if (!statSync(p).isDirectory()) found = p;
      else return found;
    } catch {
      // missing or unreadable: keep walking up
    }
    if (dirname(p) === p) return found;
  }
}
