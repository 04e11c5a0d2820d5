// How Raycast runs the worker/CLI: its own Node and the bundle that `ray build` copies to assets/.
import { environment } from "@raycast/api";
import { join } from "node:path";
import type { Env } from "../lib/home";
import { WORKER_COMMAND_ENV, resolveWorkerCommand } from "../lib/tunnels/supervisor/worker-command";

/** Recomputed at every spawn, never stored: Raycast may update its Node runtime (raycast.md §6.5 rule 8). */
export function raycastWorkerCommand(env: Env): string[] {
  if (env[WORKER_COMMAND_ENV]) return resolveWorkerCommand(env); // tests and development
  return [process.execPath, join(environment.assetsPath, "stormtunnel.js")];
}
