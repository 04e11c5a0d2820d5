// Is a worker pid still our worker? kill(pid, 0), a zombie check, and a command-line check against pid reuse.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { pidExists } from "../../pid";

export { pidExists };

/** Zombies still answer kill(pid, 0): an exited worker whose parent has not reaped it. */
export function isZombie(pid: number): boolean {
  if (process.platform === "linux") {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      // Field 3, after the parenthesised command name (which may itself contain spaces or parens).
      return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z");
    } catch {
      return false;
    }
  }
  try {
    return execFileSync("/bin/ps", ["-o", "stat=", "-p", String(pid)], { encoding: "utf8", timeout: 2000 })
      .trim()
      .startsWith("Z");
  } catch {
    return false;
  }
}

/** The process's command line, or undefined when it cannot be read. */
export function commandLine(pid: number): string | undefined {
  if (process.platform === "linux") {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
    } catch {
      return undefined;
    }
  }
  try {
    return execFileSync("/bin/ps", ["-o", "command=", "-p", String(pid)], { encoding: "utf8", timeout: 2000 }).trim();
  } catch {
    return undefined;
  }
}

/**
 * True while `pid` is a live (non-zombie) process; when `tunnelId` is given, also checks the command line
 * names that tunnel, so a pid reused by an unrelated process after a crash is not mistaken for the worker.
 */
export function isWorkerAlive(pid: number | undefined, tunnelId?: string): boolean {
  if (pid === undefined || !pidExists(pid) || isZombie(pid)) return false;
  if (tunnelId === undefined) return true;
  const cmd = commandLine(pid);
  return cmd === undefined || cmd === "" || cmd.includes(tunnelId);
}
