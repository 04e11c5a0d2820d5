// Starts, stops and reports tunnel workers. The state file is the truth about a tunnel; the supervisor only spawns,
// signals, and corrects states whose worker died without saying so (SIGKILL, crash).
import { rmSync } from "node:fs";
import { join } from "node:path";
import type { Env } from "../../home";
import { rotateLog } from "../log-file";
import { launchDetached, readPid } from "./launcher";
import {
  aliveIn,
  isWorkerAlive,
  pidExists,
  processTable,
  type ProcessTable,
  type ProcessTableOptions,
} from "./liveness";
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
  /** How processes are listed (tests inject a macOS `ps`). */
  liveness?: ProcessTableOptions;
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

export function isRunning(env: Env, id: string): Promise<boolean> {
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
  if (running !== undefined && (await isWorkerAlive(running, tunnel.id))) return { pid: running, alreadyRunning: true };

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

export { LOG_ROTATE_BYTES } from "../log-file";

function describe(t: TunnelRef): Partial<TunnelState> {
  const { target, remotePort = 0 } = t;
  return { name: t.name, profile: t.profile, target: target ? describeRoute({ ...t, target, remotePort }) : undefined };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * kill(pid, 0) every 50 ms costs nothing; the process listing (which on macOS runs `ps`) only every half second, to
 * see a worker that exited but was not reaped yet (a zombie still answers kill 0).
 */
async function waitUntilDead(pid: number, id: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; Date.now() < deadline; i++) {
    if (!pidExists(pid)) return true;
    if (i % 10 === 9 && !(await isWorkerAlive(pid, id))) return true;
    await sleep(50);
  }
  return !(await isWorkerAlive(pid, id));
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
  const wasRunning = pid !== undefined && (await isWorkerAlive(pid, id));
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

/** Stops every tunnel whose worker runs, in parallel: each may take its stop timeout to end its session. */
export async function stopAll(options: SupervisorOptions): Promise<string[]> {
  const live = (await tunnelStatuses(options)).filter((s) => s.status !== "stopped").map((s) => s.id);
  await Promise.all(live.map((id) => stopTunnel(id, options)));
  return live;
}

/**
 * Corrects one state whose worker is gone: a live-looking status with a dead pid becomes `stopped`. `table` is a
 * process listing taken for many tunnels at once (tunnelStatuses); without one, this tunnel's pid is looked up alone.
 */
export async function reconcile(
  env: Env,
  id: string,
  now: () => Date = () => new Date(),
  table?: ProcessTable,
): Promise<TunnelState | undefined> {
  return reconcileState(env, readState(env, id), now, table);
}

async function reconcileState(
  env: Env,
  state: TunnelState | undefined,
  now: () => Date,
  table?: ProcessTable,
  liveness?: ProcessTableOptions,
): Promise<TunnelState | undefined> {
  if (!state || state.status === "stopped") return state;
  const id = state.id;
  const pid = workerPid(env, id, state);
  // A pid missing from the listing may have been written just after it was taken: look that one up alone.
  const alive =
    table && pid !== undefined && table.has(pid) ? aliveIn(table, pid, id) : await isWorkerAlive(pid, id, liveness);
  if (alive) return state;
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

/** Every tunnel's state, reconciled against one process listing for all their workers. */
export async function tunnelStatuses(options: SupervisorOptions): Promise<TunnelState[]> {
  const now = options.now ?? (() => new Date());
  const states = listStates(options.env);
  const pids = states.filter((s) => s.status !== "stopped").map((s) => workerPid(options.env, s.id, s));
  const table = await processTable(
    pids.filter((p): p is number => p !== undefined),
    options.liveness,
  );
  const reconciled = await Promise.all(
    states.map(async (s) => (await reconcileState(options.env, s, now, table, options.liveness)) ?? s),
  );
  return reconciled.sort((a, b) => (a.name ?? a.id).localeCompare(b.name ?? b.id));
}
