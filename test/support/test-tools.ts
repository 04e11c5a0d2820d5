// The programs tests drive besides Node: a headless Chromium, a python3 that imports botocore, the AWS CLI. They
// come from scripts/ensure-test-tools.mjs, which finds them on this machine or fetches them from the npm registry
// (npm test runs it before jest, so a machine where that fails stops there, once, with one line).
import { execFileSync } from "node:child_process";
import { join } from "node:path";

export interface TestTool {
  /** Absolute path of the program to run. */
  command: string;
  /** Variables it needs on top of the caller's environment (e.g. PYTHONPATH, LD_LIBRARY_PATH). */
  env: Record<string, string>;
}

const SCRIPT = join(__dirname, "..", "..", "scripts", "ensure-test-tools.mjs");
const found = new Map<string, TestTool>();

export function testTool(name: "chromium" | "python" | "aws", env: NodeJS.ProcessEnv = process.env): TestTool {
  const known = env === process.env ? found.get(name) : undefined;
  if (known) return known;
  let out: string;
  try {
    out = execFileSync(process.execPath, [SCRIPT, "--json", "--only", name], {
      env,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 20 * 60_000,
    });
  } catch (e) {
    const said = String((e as { stderr?: string }).stderr ?? "")
      .trim()
      .split("\n")
      .pop();
    const error = new Error(said || `${SCRIPT} failed: ${(e as Error).message}`);
    error.stack = error.message; // one line per failing test file, not a stack trace
    throw error;
  }
  const tool = (JSON.parse(out) as Record<string, TestTool>)[name];
  if (env === process.env) found.set(name, tool);
  return tool;
}

/** botocore's interpreter, and the environment to merge into the one a test builds for it. */
export function python(): TestTool {
  return testTool("python");
}
