// Stands in for `stormtunnel login` (wired through STORMTUNNEL_WORKER_COMMAND): records its argv and login method,
// then writes the given progress steps to the session's progress file, as the real login worker does. Each step after
// the first waits for the test to call advance(): steps follow events, never a timer racing the UI's poll.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadAwsConfig } from "../../src/lib/aws";
import { loginProgressFile } from "../../src/lib/sso/login/state";
import type { TestHome } from "./fixtures";

export interface FakeLogin {
  /** Lets the worker write its next step. */
  advance(): void;
  /** What the worker was started with, once it ran. */
  started(): { argv: string[]; method?: string } | undefined;
}

export interface FakeLoginOptions {
  /** Copied over the session's token cache file just before a "succeeded" step (what a login writes). */
  token?: { from: string; to: string };
}

export async function fakeLoginWorker(
  home: TestHome,
  steps: Record<string, unknown>[],
  options: FakeLoginOptions = {},
): Promise<FakeLogin> {
  const config = await loadAwsConfig({ env: home.env });
  const progressFile = loginProgressFile(home.env, config.groups[0]);
  const script = join(home.root, "fake-login.js");
  const argvFile = join(home.root, "login-argv.json");
  const goFile = (i: number) => join(home.root, `login-go-${i}`);
  writeFileSync(
    script,
    `const fs = require("fs"), path = require("path");
fs.writeFileSync(${JSON.stringify(argvFile)} + ".tmp", JSON.stringify({ argv: process.argv.slice(2), method: process.env.STORMTUNNEL_LOGIN_METHOD }));
fs.renameSync(${JSON.stringify(argvFile)} + ".tmp", ${JSON.stringify(argvFile)});
const steps = ${JSON.stringify(steps)};
const token = ${JSON.stringify(options.token ?? null)};
fs.mkdirSync(path.dirname(${JSON.stringify(progressFile)}), { recursive: true });
const startedAt = new Date().toISOString();
setTimeout(() => process.exit(0), 60000).unref(); // never outlives a failed test for long
function write(step) {
  if (step.status === "succeeded" && token) {
    fs.mkdirSync(path.dirname(token.to), { recursive: true });
    fs.copyFileSync(token.from, token.to);
  }
  const now = new Date().toISOString();
  const progress = { pid: process.pid, sessionKey: "k", method: "pkce", startedAt, updatedAt: now, ...step };
  fs.writeFileSync(${JSON.stringify(progressFile)} + ".tmp", JSON.stringify(progress));
  fs.renameSync(${JSON.stringify(progressFile)} + ".tmp", ${JSON.stringify(progressFile)});
}
// As the real worker does when login --cancel (or Cancel Sign-In) signals it.
process.on("SIGTERM", () => {
  write({ status: "cancelled", error: "The sign-in was cancelled." });
  process.exit(130);
});
let i = 0;
function next() {
  write(steps[i]);
  i += 1;
  // A login ends after its outcome; one still waiting (for the browser) stays up until it is cancelled.
  if (i >= steps.length) {
    if (["succeeded", "failed", "cancelled"].includes(steps[i - 1].status)) setTimeout(() => process.exit(0), 50);
    else setInterval(() => {}, 1000);
    return;
  }
  const go = ${JSON.stringify(join(home.root, "login-go-"))} + i;
  const wait = setInterval(() => { if (fs.existsSync(go)) { clearInterval(wait); next(); } }, 20);
}
if (steps.length > 0) next();
`,
  );
  home.env.STORMTUNNEL_WORKER_COMMAND = JSON.stringify([process.execPath, script]);
  let advanced = 0;
  return {
    advance: () => writeFileSync(goFile(++advanced), ""),
    started: () => (existsSync(argvFile) ? JSON.parse(readFileSync(argvFile, "utf8")) : undefined),
  };
}
