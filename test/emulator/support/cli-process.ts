// `npm run emulator` as scripts start it: a separate process in a temporary HOME, its output collected, its endpoints
// read from --endpoints-file, and the whole process group killed afterwards should a test fail midway.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(__dirname, "..", "..", "..");

export interface EmulatorProcess {
  dir: string;
  child: ChildProcess;
  out(): string;
  exited: Promise<number | null>;
  /** The endpoints file once the emulator wrote it (pass --endpoints-file <dir>/endpoints.json). */
  endpoints(): Promise<Record<string, string | number>>;
}

const running = new Set<EmulatorProcess>();

export function startEmulatorProcess(args: (dir: string) => string[]): EmulatorProcess {
  const dir = mkdtempSync(join(tmpdir(), "stormtunnel-emucli-"));
  let out = "";
  // tsx runs the script in a child of its own: detached, so the whole group can be killed.
  const child = spawn(
    join(ROOT, "node_modules", ".bin", "tsx"),
    [join(ROOT, "test", "emulator", "cli.ts"), ...args(dir)],
    {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    },
  );
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  const file = join(dir, "endpoints.json");
  const proc: EmulatorProcess = {
    dir,
    child,
    out: () => out,
    exited,
    async endpoints() {
      for (let i = 0; i < 300 && !existsSync(file) && child.exitCode === null; i++) {
        await new Promise((r) => setTimeout(r, 100));
      }
      if (!existsSync(file)) throw new Error(`the emulator wrote no endpoints file:\n${out}`);
      return JSON.parse(readFileSync(file, "utf8")) as Record<string, string | number>;
    },
  };
  running.add(proc);
  return proc;
}

/** For afterEach: kills what is still running and removes the temporary HOMEs. */
export function cleanUpEmulatorProcesses(): void {
  for (const p of running) {
    if (p.child.pid && p.child.exitCode === null) {
      try {
        process.kill(-p.child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    rmSync(p.dir, { recursive: true, force: true });
  }
  running.clear();
}
