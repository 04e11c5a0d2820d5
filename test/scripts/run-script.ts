// Runs one of scripts/*.mjs as CI does (a real node process) and captures its outcome.
import { spawnSync } from "node:child_process";
import { join } from "node:path";

export interface ScriptRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function runScript(script: string, args: string[] = [], env?: NodeJS.ProcessEnv): ScriptRun {
  const result = spawnSync(process.execPath, [join(__dirname, "..", "..", "scripts", script), ...args], {
    encoding: "utf8",
    env,
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
