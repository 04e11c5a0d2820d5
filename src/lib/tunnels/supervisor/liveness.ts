// Is a worker pid still our worker? kill(pid, 0), then one batched process listing per refresh: a zombie check and a
// command-line check against pid reuse. macOS (the only platform users have) asks `ps` once for every pid at a time;
// Linux (CI) reads /proc. Both are asynchronous: a list or menu refresh never blocks on a child process.
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { pidExists } from "../../pid";

export { pidExists };

/** What a process listing says about one pid; `stat`/`command` are absent when the listing could not be read. */
export interface ProcessInfo {
  pid: number;
  ppid?: number;
  /** Process group id: a detached worker leads its own group. */
  pgid?: number;
  /** `ps` STAT letters; "Z…" is a zombie. */
  stat?: string;
  command?: string;
}

export type ProcessTable = Map<number, ProcessInfo>;

/** Runs `ps` with these arguments and resolves with its stdout (injected in tests with a recorded macOS listing). */
export type PsRunner = (args: string[]) => Promise<string>;

export interface ProcessTableOptions {
  platform?: NodeJS.Platform;
  runPs?: PsRunner;
}

export const PS_COLUMNS = "pid=,ppid=,pgid=,stat=,command=";

/** Parses `ps -o pid=,ppid=,pgid=,stat=,command=` (macOS and procps print the same columns). */
export function parsePs(text: string): ProcessTable {
  const table: ProcessTable = new Map();
  for (const line of text.split("\n")) {
    const m = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(\S+)\s?(.*)$/.exec(line);
    if (!m) continue;
    const pid = Number(m[1]);
    table.set(pid, { pid, ppid: Number(m[2]), pgid: Number(m[3]), stat: m[4], command: m[5].trim() });
  }
  return table;
}

const defaultPs: PsRunner = (args) =>
  new Promise((resolve, reject) => {
    // execFile with a callback: the child is reaped when it exits (no zombies in Raycast's helper, raycast.md §6.2).
    execFile("/bin/ps", args, { encoding: "utf8", timeout: 3000 }, (err, stdout) => {
      // ps exits 1 when some pid is gone; what it printed for the others still counts.
      if (err && !stdout) reject(err);
      else resolve(stdout);
    });
  });

/**
 * One listing for many pids. Pids that kill(pid, 0) already reports gone are left out; a pid the listing cannot
 * describe (ps missing, /proc unreadable) keeps an entry without `stat`, so a failed listing never reads as "dead".
 */
export async function processTable(pids: Iterable<number>, options: ProcessTableOptions = {}): Promise<ProcessTable> {
  const existing = [...new Set(pids)].filter(pidExists);
  const table: ProcessTable = new Map(existing.map((pid) => [pid, { pid }]));
  if (existing.length === 0) return table;
  const platform = options.platform ?? process.platform;
  if (platform === "linux" && !options.runPs) {
    await Promise.all(existing.map(async (pid) => table.set(pid, await fromProc(pid))));
    return table;
  }
  try {
    const listed = parsePs(await (options.runPs ?? defaultPs)(["-o", PS_COLUMNS, "-p", existing.join(",")]));
    for (const pid of existing) {
      const info = listed.get(pid);
      // Listed by kill(0) a moment ago but not by ps: it exited in between.
      if (info) table.set(pid, info);
      else table.delete(pid);
    }
  } catch {
    // Keep the kill(0) answer: better a stale "running" for one refresh than a live tunnel reported dead.
  }
  return table;
}

async function fromProc(pid: number): Promise<ProcessInfo> {
  try {
    const [stat, cmdline] = await Promise.all([
      readFile(`/proc/${pid}/stat`, "utf8"),
      readFile(`/proc/${pid}/cmdline`, "utf8"),
    ]);
    // Fields after the parenthesised command name (which may itself contain spaces or parens): state ppid pgrp …
    const [state, ppid, pgid] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return {
      pid,
      stat: state,
      ppid: Number(ppid),
      pgid: Number(pgid),
      command: cmdline.split("\0").join(" ").trim(),
    };
  } catch {
    return { pid };
  }
}

/**
 * True while `pid` is a live (non-zombie) process in `table`; when `tunnelId` is given, also checks that the command
 * line names that tunnel, so a pid reused by an unrelated process after a crash is not mistaken for the worker.
 */
export function aliveIn(table: ProcessTable, pid: number | undefined, tunnelId?: string): boolean {
  if (pid === undefined) return false;
  const info = table.get(pid);
  if (!info) return false;
  if (info.stat?.startsWith("Z")) return false;
  if (tunnelId === undefined || !info.command) return true;
  return info.command.includes(tunnelId);
}

/** One pid: a listing of one. */
export async function isWorkerAlive(
  pid: number | undefined,
  tunnelId?: string,
  options?: ProcessTableOptions,
): Promise<boolean> {
  if (pid === undefined) return false;
  return aliveIn(await processTable([pid], options), pid, tunnelId);
}

/** The process's command line, or undefined when it cannot be read. */
export async function commandLine(pid: number, options?: ProcessTableOptions): Promise<string | undefined> {
  return (await processTable([pid], options)).get(pid)?.command;
}
