// Which program runs a tunnel worker. Raycast: [process.execPath, <assets>/stormtunnel.js]. CLI: the script that is
// running now (the bundle, or src/cli/main.ts under tsx). Tests: STORMTUNNEL_WORKER_COMMAND (a JSON argv array).
import type { Env } from "../../home";

export const WORKER_COMMAND_ENV = "STORMTUNNEL_WORKER_COMMAND";

/** Node flags that make the current script loadable again (tsx's loader hooks); others (e.g. --inspect) are dropped. */
const LOADER_FLAGS = new Set(["--import", "--require", "-r", "--loader", "--experimental-loader"]);

export function currentScriptCommand(
  execPath = process.execPath,
  execArgv = process.execArgv,
  script = process.argv[1],
): string[] {
  const flags: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const a = execArgv[i];
    if (LOADER_FLAGS.has(a) && i + 1 < execArgv.length) flags.push(a, execArgv[++i]);
    else if ([...LOADER_FLAGS].some((f) => a.startsWith(`${f}=`))) flags.push(a);
  }
  return [execPath, ...flags, script];
}

/** The worker argv prefix: explicit option, then the environment override, then the current script. */
export function resolveWorkerCommand(env: Env, explicit?: string[]): string[] {
  if (explicit && explicit.length > 0) return explicit;
  const fromEnv = env[WORKER_COMMAND_ENV];
  if (fromEnv) {
    const parsed = JSON.parse(fromEnv) as unknown;
    if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every((p) => typeof p === "string")) {
      throw new Error(`${WORKER_COMMAND_ENV} must be a JSON array of strings`);
    }
    return parsed as string[];
  }
  return currentScriptCommand();
}

/**
 * V8 settings for the long-lived worker: a young generation of 2 MB semi-spaces, fixed. Small, so an idle tunnel
 * stays lean; large enough that a 64 B round trip meets a scavenge well under 1% of the time (the echo p99). Not
 * --optimize-for-size: it pins the semi-spaces at 1 MB (a scavenge every ~80 round trips) and cost a quarter of the
 * unpaced throughput, for no idle memory since the SDK left the worker (bench/). No Sparkplug: the baseline compiler
 * spends 0.6 MB of an idle worker's resident memory on start-up code that runs once, while the data path is hot enough
 * for the optimizing compiler either way (same unpaced throughput in bench/). STORMTUNNEL_WORKER_NODE_FLAGS overrides
 * them.
 */
export const WORKER_NODE_FLAGS = ["--min-semi-space-size=2", "--max-semi-space-size=2", "--no-sparkplug"];

export function workerArgv(prefix: string[], tunnelId: string, env: Env = {}): string[] {
  const flags = env.STORMTUNNEL_WORKER_NODE_FLAGS?.split(" ").filter(Boolean) ?? WORKER_NODE_FLAGS;
  // Only a Node executable takes Node flags (a test may run the worker through another program).
  const [program, ...rest] = prefix;
  const isNode = program === process.execPath || /(^|[/\\])node(\.exe)?$/.test(program);
  return [...(isNode ? [program, ...flags, ...rest] : prefix), "tunnel", "run", tunnelId];
}
