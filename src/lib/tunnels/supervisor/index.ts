// Starts, stops and reports tunnel workers. The state file is the truth about a tunnel; the supervisor only spawns,
// signals, and corrects states whose worker died without saying so (SIGKILL, crash).
import { renameSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Env } from "../../home";
import { launchDetached, readPid } from "./launcher";
import { isWorkerAlive } from "./liveness";
import { checkPort, describePortProblem } from "../ports";
import {
  ensureTunnelDirs,
  initialState,
  listStates,
  logPath,
  nextState,
  readState,
  stateDir,
  writeState,
  type TunnelState,
} from "../state";
import { resolveWorkerCommand, workerArgv } from "./worker-command";
import { describeRoute } from "../route";

/** The parts of a tunnel definition the supervisor needs. */
export interface TunnelRef {
  id: string;
  name?: string;
  bindAddress: string;
  localPort: number;
  profile?: string;
  target?: string;
  remoteHost?: string;
  remotePort?: number;
}

export interface SupervisorOptions {
  /** Environment of the worker (settings, endpoints, HOME, AWS_CONFIG_FILE, STORMTUNNEL_HOME). */
  env: Env;
  /** Worker argv prefix; see worker-command.ts for the default. */
  workerCommand?: string[];
  now?: () => Date;
  /** How long a worker gets to terminate its session after SIGTERM before SIGKILL. */
  stopTimeoutMs?: number;
}

export class PortInUseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PortInUseError";
  }
}

export function pidPath(env: Env, id: string): string {
  return join(stateDir(env), `${id}.pid`);
}

/** The worker's pid: from its state, else from the launcher's pid file (the worker may not have written yet). */
export function workerPid(env: Env, id: string, state = readState(env, id)): number | undefined {
  return state?.pid ?? readPid(pidPath(env, id));
}

export function isRunning(env: Env, id: string): boolean {
  return isWorkerAlive(workerPid(env, id), id);
}

export async function startTunnel(
  tunnel: TunnelRef,
  options: SupervisorOptions,
): Promise<{ pid: number; alreadyRunning: boolean }> {
  const { env } = options;
  const now = options.now ?? (() => new Date());
  ensureTunnelDirs(env);
  const running = workerPid(env, tunnel.id);
  if (running !== undefined && isWorkerAlive(running, tunnel.id)) return { pid: running, alreadyRunning: true };

  const port = await checkPort(tunnel.bindAddress, tunnel.localPort);
  if (!port.free) throw new PortInUseError(describePortProblem(tunnel.bindAddress, tunnel.localPort, port));

  writeState(env, initialState(tunnel.id, now(), describe(tunnel)));
  rotateLog(logPath(env, tunnel.id));
  const argv = workerArgv(resolveWorkerCommand(env, options.workerCommand), tunnel.id, env);
  try {
    const pid = await launchDetached({ argv, env, logFile: logPath(env, tunnel.id), pidFile: pidPath(env, tunnel.id) });
    return { pid, alreadyRunning: false };
  } catch (err) {
    const state = readState(env, tunnel.id) ?? initialState(tunnel.id, now());
    writeState(env, nextState(state, { status: "error", lastError: (err as Error).message }, now()));
    throw err;
  }
}

/** Logs are appended by every run of a tunnel: keep one previous generation once a log passes 5 MB. */
export const LOG_ROTATE_BYTES = 5 * 1024 * 1024;

function rotateLog(file: string): void {
  try {
    if (statSync(file).size > LOG_ROTATE_BYTES) renameSync(file, `${file}.1`);
  } catch {
    // no log yet
  }
}

function describe(t: TunnelRef): Partial<TunnelState> {
  const { target, remotePort = 0 } = t;
  return { name: t.name, profile: t.profile, target: target ? describeRoute({ ...t, target, remotePort }) : undefined };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitUntilDead(pid: number, id: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isWorkerAlive(pid, id)) return true;
    await sleep(50);
  }
  return !isWorkerAlive(pid, id);
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal); // the whole group: anything the worker started goes too
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/** SIGTERM the worker's group (it terminates its session and writes `stopped`), SIGKILL after the timeout. */
export async function stopTunnel(
  id: string,
  options: SupervisorOptions,
): Promise<{ wasRunning: boolean; forced: boolean }> {
  const { env } = options;
  const now = options.now ?? (() => new Date());
  const pid = workerPid(env, id);
  const wasRunning = pid !== undefined && isWorkerAlive(pid, id);
  let forced = false;
  if (wasRunning) {
    signalGroup(pid, "SIGTERM");
    if (!(await waitUntilDead(pid, id, options.stopTimeoutMs ?? 6000))) {
      forced = true;
      signalGroup(pid, "SIGKILL");
      await waitUntilDead(pid, id, 2000);
    }
  }
  const state = readState(env, id);
  if (state && state.status !== "stopped") {
    const lastError = forced ? "the worker did not stop in time and was killed" : state.lastError;
    writeState(env, nextState(state, { status: "stopped", activeConnections: 0, lastError }, now()));
  }
  rmSync(pidPath(env, id), { force: true });
  return { wasRunning, forced };
}

export async function stopAll(options: SupervisorOptions): Promise<string[]> {
  const stopped: string[] = [];
  for (const s of tunnelStatuses(options)) {
    if (s.status === "stopped") continue;
    await stopTunnel(s.id, options);
    stopped.push(s.id);
  }
  return stopped;
}

/** Corrects one state whose worker is gone: a live-looking status with a dead pid becomes `stopped`. */
export function reconcile(env: Env, id: string, now: () => Date = () => new Date()): TunnelState | undefined {
  const state = readState(env, id);
  if (!state || state.status === "stopped") return state;
  const pid = workerPid(env, id, state);
  if (isWorkerAlive(pid, id)) return state;
  // A tunnel just being started may not have a pid yet; give the launcher a moment before calling it dead.
  if (pid === undefined && state.status === "starting" && now().getTime() - Date.parse(state.since) < 10_000) {
    return state;
  }
  const lastError =
    state.status === "error" ? state.lastError : `the tunnel's worker${pid ? ` (pid ${pid})` : ""} ended unexpectedly`;
  const fixed = nextState(state, { status: "stopped", activeConnections: 0, pid: undefined, lastError }, now());
  writeState(env, fixed);
  rmSync(pidPath(env, id), { force: true });
  return fixed;
}

/** Every tunnel's state, reconciled against process liveness. */
export function tunnelStatuses(options: SupervisorOptions): TunnelState[] {
  const now = options.now ?? (() => new Date());
  return listStates(options.env)
    .map((s) => reconcile(options.env, s.id, now) ?? s)
    .sort((a, b) => (a.name ?? a.id).localeCompare(b.name ?? b.id));
}
