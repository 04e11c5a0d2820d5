// Double fork: a short-lived launcher (run with `node -e`, so no extra file has to ship) starts the worker in its own
// session and process group with stdio on the log file, writes the worker's pid and exits at once. The worker is then
// re-parented away from Raycast's extension process, which therefore never collects zombies (raycast.md §6.2-6.5).
import { spawn } from "node:child_process";
import { closeSync, openSync, readFileSync, rmSync } from "node:fs";

/** Plain CommonJS run by the launcher process: argv = [pidFile, logFile, JSON worker argv]. */
export const LAUNCHER_SOURCE = [
  'const fs = require("fs"), cp = require("child_process");',
  "const [pidFile, logFile, argvJson] = process.argv.slice(1);",
  "const argv = JSON.parse(argvJson);",
  'const log = fs.openSync(logFile, "a", 0o600);',
  'const child = cp.spawn(argv[0], argv.slice(1), { detached: true, stdio: ["ignore", log, log], env: process.env });',
  'child.on("error", (e) => { console.error("launcher: " + e.message); process.exit(1); });',
  "if (child.pid !== undefined) {",
  '  fs.writeFileSync(pidFile + ".tmp", String(child.pid), { mode: 0o600 });',
  '  fs.renameSync(pidFile + ".tmp", pidFile);',
  "  child.unref();",
  "  process.exit(0);",
  "}",
].join("\n");

export interface LaunchOptions {
  /** Full worker argv: [executable, ...args]. Identifiers only, never secrets (argv is world-readable). */
  argv: string[];
  /** Environment of the worker: settings and endpoints travel here. */
  env: Record<string, string | undefined>;
  logFile: string;
  pidFile: string;
  /** Node executable that runs the launcher; Raycast's own Node, computed at each spawn (never persisted). */
  nodePath?: string;
  timeoutMs?: number;
}

/** Starts the worker through the launcher and resolves with the worker's pid once the launcher has exited. */
export function launchDetached(options: LaunchOptions): Promise<number> {
  rmSync(options.pidFile, { force: true });
  const log = openSync(options.logFile, "a", 0o600);
  return new Promise<number>((resolve, reject) => {
    let launcher;
    try {
      launcher = spawn(
        options.nodePath ?? process.execPath,
        ["-e", LAUNCHER_SOURCE, options.pidFile, options.logFile, JSON.stringify(options.argv)],
        { detached: true, stdio: ["ignore", log, log], env: options.env as NodeJS.ProcessEnv },
      );
    } finally {
      closeSync(log);
    }
    const timer = setTimeout(
      () => reject(new Error("the tunnel launcher did not finish in time")),
      options.timeoutMs ?? 10_000,
    );
    timer.unref();
    launcher.on("error", (err) => {
      clearTimeout(timer);
      reject(new Error(`could not start the tunnel launcher: ${err.message}`));
    });
    // The exit listener keeps libuv reaping the launcher, so it never lingers as a zombie of this process.
    launcher.on("exit", (code) => {
      clearTimeout(timer);
      const pid = readPid(options.pidFile);
      if (code === 0 && pid !== undefined) resolve(pid);
      else reject(new Error(`the tunnel launcher failed (exit ${code}); see ${options.logFile}`));
    });
    // Not unref'd: the caller awaits the pid, and the launcher exits within milliseconds anyway.
  });
}

export function readPid(pidFile: string): number | undefined {
  try {
    const pid = Number(readFileSync(pidFile, "utf8").trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
