// Starts `stormtunnel login <profile>` as a detached worker: the browser wait outlives this Raycast command
// (raycast.md §5-6). Spawned with Raycast's own Node from the bundle in assets/, through the double-fork launcher.
import { environment } from "@raycast/api";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { stormtunnelHome, type Env } from "../../lib/home";
import { settingsToEnv, type Settings } from "../../lib/settings";
import { launchDetached } from "../../lib/tunnels/launcher";
import { WORKER_COMMAND_ENV, resolveWorkerCommand } from "../../lib/tunnels/worker-command";

/** The worker argv prefix: the bundled CLI under Raycast's Node (recomputed each time: Raycast updates its Node). */
export function raycastWorkerCommand(env: Env): string[] {
  if (env[WORKER_COMMAND_ENV]) return resolveWorkerCommand(env); // tests and development
  return [process.execPath, join(environment.assetsPath, "stormtunnel.js")];
}

/** Returns the login worker's pid. The spawn happens synchronously, before the caller awaits any UI. */
export function startLoginWorker(profile: string, env: Env, settings: Settings): Promise<number> {
  const logs = join(stormtunnelHome(env), "logs");
  mkdirSync(logs, { recursive: true, mode: 0o700 });
  const file = `login-${profile.replace(/[^A-Za-z0-9._-]/g, "_")}`;
  return launchDetached({
    argv: [...raycastWorkerCommand(env), "login", profile],
    env: { ...env, ...settingsToEnv(settings) },
    logFile: join(logs, `${file}.log`),
    pidFile: join(logs, `${file}.pid`),
  });
}
