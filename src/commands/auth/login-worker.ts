// Starts `stormtunnel login <profile>` as a detached worker: the browser wait outlives this Raycast command
// (raycast.md §5-6). Spawned with Raycast's own Node from the bundle in assets/, through the double-fork launcher.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { stormtunnelHome, type Env } from "../../lib/home";
import { settingsToEnv, type Settings } from "../../lib/settings";
import { launchDetached } from "../../lib/tunnels/supervisor/launcher";
import { raycastWorkerCommand } from "../worker-command";

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
