// Where things live: the user's home (injectable for tests) and the StormTunnel home shared by Raycast and the CLI.
import { chmodSync, mkdirSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

export type Env = Record<string, string | undefined>;

/** The home directory as the AWS CLI resolves it on macOS/Linux: $HOME first. */
export function userHome(env: Env = process.env): string {
  return env.HOME || env.USERPROFILE || homedir();
}

/** Expands a leading ~ the way the AWS CLI's expanduser does. */
export function expandHome(path: string, env: Env = process.env): string {
  if (path === "~") return userHome(env);
  if (path.startsWith("~/")) return join(userHome(env), path.slice(2));
  return path;
}

/** $STORMTUNNEL_HOME, default ~/.config/stormtunnel: tunnel definitions, state files, logs, login progress. */
export function stormtunnelHome(env: Env = process.env): string {
  return env.STORMTUNNEL_HOME ? expandHome(env.STORMTUNNEL_HOME, env) : join(userHome(env), ".config", "stormtunnel");
}

/** Creates the StormTunnel home (0700: it holds logs and state of a user's tunnels) and returns it. */
export function ensureStormtunnelHome(env: Env = process.env): string {
  const dir = stormtunnelHome(env);
  ensurePrivateDir(dir);
  return dir;
}

const tightened = new Set<string>();

/**
 * Creates `dir` 0700, and tightens an existing one of ours that others can read (an older version, a hand-made
 * `mkdir`, a umask-022 copy): its logs name hosts, ports and profiles. Checked once per directory per process.
 */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (tightened.has(dir)) return;
  const st = statSync(dir);
  const ours = typeof process.getuid !== "function" || st.uid === process.getuid();
  if (ours && (st.mode & 0o077) !== 0) chmodSync(dir, st.mode & 0o700);
  tightened.add(dir);
}
