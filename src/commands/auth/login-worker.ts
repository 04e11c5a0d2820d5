// Starts `stormtunnel login <profile>` as a detached worker: the browser wait outlives this Raycast command
// (raycast.md §5-6). Spawned with Raycast's own Node from the bundle in assets/, through the double-fork launcher.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { stormtunnelHome, type Env } from "../../lib/home";
import { settingsToEnv, type Settings } from "../../lib/settings";
import { launchDetached } from "../../lib/tunnels/supervisor/launcher";
import { raycastWorkerCommand } from "../worker-command";

export interface LoginWorker {
  /** Resolves with the worker's pid once the launcher has started it. */
  pid: Promise<number>;
  /** Where the worker writes what it did (shown when it fails). */
  logFile: string;
}

export function loginLogFile(env: Env, profile: string): string {
  return join(stormtunnelHome(env), "logs", `login-${profile.replace(/[^A-Za-z0-9._-]/g, "_")}.log`);
}

/** The spawn happens synchronously, before the caller awaits any UI (raycast.md §6.5 rule 2). */
export function startLoginWorker(profile: string, env: Env, settings: Settings): LoginWorker {
  const logFile = loginLogFile(env, profile);
  mkdirSync(join(stormtunnelHome(env), "logs"), { recursive: true, mode: 0o700 });
  const pid = launchDetached({
    argv: [...raycastWorkerCommand(env), "login", profile],
    env: { ...env, ...settingsToEnv(settings) },
    logFile,
    pidFile: logFile.replace(/\.log$/, ".pid"),
  });
  return { pid, logFile };
}
