// What the tests drive besides Node: a headless Chromium (the emulated sign-in page), python3 with botocore and the
// `aws` command (the AWS CLI's view of our tokens and of the emulator). Finds them on this machine or fetches them
// from the npm registry into node_modules/.cache, so `npm test` needs no other setup; when that fails, exits 1 with
// one line saying what to install (instead of a stack trace per test).
// Usage: node scripts/ensure-test-tools.mjs [--json] [--only chromium|python|aws]
//   --json  print {"chromium": {command, env}, "python": ..., "aws": ...} (test/support/test-tools.ts reads it)
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { findAwsCli, findBotocore } from "./test-tools/aws-cli.mjs";
import { findChromium } from "./test-tools/chromium.mjs";

const args = process.argv.slice(2);
const only = args.includes("--only") ? args[args.indexOf("--only") + 1] : undefined;
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const context = {
  env: process.env,
  platform: process.platform,
  arch: process.arch,
  cacheDir: resolve(
    process.env.STORMTUNNEL_TEST_TOOLS_DIR ?? join(root, "node_modules", ".cache", "stormtunnel-tools"),
  ),
  log: (line) => console.error(`test tools: ${line}`),
};

const tools = {};
if (!only || only === "chromium") tools.chromium = await findChromium(context);
if (!only || only === "python") tools.python = findBotocore(context);
if (!only || only === "aws") tools.aws = findAwsCli(context);

// One sentence: tools that fail for the same reason (botocore and the AWS CLI come together) share their advice.
const advice = new Map();
for (const { missing } of Object.values(tools)) {
  if (missing) advice.set(missing.how, [...(advice.get(missing.how) ?? []), missing.what]);
}
if (advice.size > 0) {
  const parts = [...advice].map(([how, what]) => `${what.join(" and ")} (${how})`);
  console.error(`npm test needs what this machine lacks: ${parts.join("; ")}.`);
  process.exit(1);
}
if (args.includes("--json")) console.log(JSON.stringify(tools));
else
  context.log(
    Object.entries(tools)
      .map(([name, tool]) => `${name} ${tool.command}`)
      .join(", "),
  );
