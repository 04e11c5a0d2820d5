// Per-tunnel runtime state: one JSON file per tunnel, written atomically by its worker, read by the CLI and Raycast.
import { readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ensurePrivateDir, stormtunnelHome, type Env } from "../home";
import { isoTime } from "../iso-time";

export type TunnelStatus =
  "starting" | "authenticating" | "connecting" | "connected" | "reconnecting" | "auth-required" | "error" | "stopped";

/** What a login in progress shows the user (browser URL, device code); never a token. */
export interface LoginPrompt {
  url?: string;
  userCode?: string;
  message?: string;
}

/** One member of a tunnel's session pool, as `status` and the Raycast detail show it. */
export type PoolMemberStatus = "opening" | "connected" | "reconnecting" | "waiting" | "refused" | "ended";

export interface PoolMemberState {
  /** 1-based position in the pool. */
  slot: number;
  status: PoolMemberStatus;
  /** The Session Manager session this member holds now (absent while opening, waiting or refused). */
  sessionId?: string;
  /** Local connections this member carries now, and has carried in all. */
  activeConnections: number;
  connections: number;
  bytesIn: number;
  bytesOut: number;
  /** Why the member is waiting or was refused (e.g. ThrottlingException); never a secret. */
  lastError?: string;
}

export interface TunnelState {
  id: string;
  name?: string;
  status: TunnelStatus;
  pid?: number;
  /** The oldest connected session of the pool (the only one for a pool of 1). */
  sessionId?: string;
  /** host:port of the local listener once it is open. */
  localAddress?: string;
  target?: string;
  profile?: string;
  connections: number;
  activeConnections: number;
  /** Bytes from the remote side to local clients. */
  bytesIn: number;
  /** Bytes from local clients to the remote side. */
  bytesOut: number;
  lastError?: string;
  login?: LoginPrompt;
  /** The session pool, one row per member (absent between sessions and once stopped). */
  sessions?: PoolMemberState[];
  /** When the tunnel entered its current status (ISO). */
  since: string;
  updatedAt: string;
}

export const TERMINAL_STATUSES: readonly TunnelStatus[] = ["stopped", "error"];

export function stateDir(env: Env): string {
  return join(stormtunnelHome(env), "state");
}

export function logDir(env: Env): string {
  return join(stormtunnelHome(env), "logs");
}

export function statePath(env: Env, id: string): string {
  return join(stateDir(env), `${safeId(id)}.json`);
}

export function logPath(env: Env, id: string): string {
  return join(logDir(env), `${safeId(id)}.log`);
}

/** Tunnel ids become file names: refuse anything that could escape the directory. */
function safeId(id: string): string {
  if (!/^[A-Za-z0-9._-]+$/.test(id) || id.startsWith(".")) throw new Error(`invalid tunnel id: ${JSON.stringify(id)}`);
  return id;
}

/** Creates the StormTunnel home with its state/ and logs/ subdirectories, all 0700. */
export function ensureTunnelDirs(env: Env): void {
  for (const dir of [stormtunnelHome(env), stateDir(env), logDir(env)]) ensurePrivateDir(dir);
}

let tmpCounter = 0;

/** Temp file + rename: readers never see a half-written state. */
export function writeState(env: Env, state: TunnelState): void {
  ensureTunnelDirs(env);
  const file = statePath(env, state.id);
  const tmp = `${file}.${process.pid}.${++tmpCounter}.tmp`;
  writeFileSync(tmp, JSON.stringify(state, null, 2) + "\n", { mode: 0o600 });
  renameSync(tmp, file);
}

export function readState(env: Env, id: string): TunnelState | undefined {
  try {
    const parsed = JSON.parse(readFileSync(statePath(env, id), "utf8")) as TunnelState;
    return parsed && typeof parsed === "object" && parsed.id === id ? parsed : undefined;
  } catch {
    return undefined;
  }
}

export function listStates(env: Env): TunnelState[] {
  let names: string[];
  try {
    names = readdirSync(stateDir(env));
  } catch {
    return [];
  }
  return names
    .filter((n) => n.endsWith(".json"))
    .map((n) => readState(env, n.slice(0, -".json".length)))
    .filter((s): s is TunnelState => s !== undefined);
}

/** A fresh state for a tunnel that is about to start. */
export function initialState(id: string, now: Date, fields: Partial<TunnelState> = {}): TunnelState {
  const at = isoTime(now);
  return {
    id,
    status: "starting",
    connections: 0,
    activeConnections: 0,
    bytesIn: 0,
    bytesOut: 0,
    since: at,
    updatedAt: at,
    ...fields,
  };
}

/** Applies a change; `since` moves only when the status changes. */
export function nextState(prev: TunnelState, change: Partial<TunnelState>, now: Date): TunnelState {
  const at = isoTime(now);
  const next = { ...prev, ...change, updatedAt: at };
  if (change.status && change.status !== prev.status) next.since = at;
  return next;
}
