// Two separate node processes refresh the same SSO session at the same moment: exactly one CreateToken call.
import { spawn } from "node:child_process";
import { readdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { startEmulator, type Emulator } from "../emulator";
import { tokenFingerprint } from "../../src/lib/sso/session-status";
import { readToken, writeToken } from "../../src/lib/sso/token-cache";
import { formatCacheTimestamp } from "../../src/lib/sso/timestamps";
import { makeTempHome, sleep, type TempHome } from "./helpers";
import { corpGroup, loginToken, writeConfig } from "./refresh-helpers";

const ROOT = resolve(__dirname, "../..");
let emu: Emulator;
let home: TempHome;

beforeEach(async () => {
  // A slow token endpoint makes the two refreshes overlap for sure.
  emu = await startEmulator({ knobs: { oidcDelayMs: 400 } });
  home = makeTempHome(emu.env());
  writeConfig(home.env, ["dev", "prod"]);
});
afterEach(async () => {
  await emu.close();
  home.cleanup();
});

/** A worker-like process: waits for the go file, then runs one refresh check of every session. */
function childScript(): string {
  const file = join(home.dir, "refresher.ts");
  const lib = (p: string) => JSON.stringify(join(ROOT, "src/lib", p));
  writeFileSync(
    file,
    `
import { existsSync, writeFileSync } from "node:fs";
import { loadAwsConfig } from ${lib("aws")};
import { settingsFromEnv } from ${lib("settings")};
import { RefreshRunner } from ${lib("sso/refresh-runner")};
import { tokenFingerprint } from ${lib("sso/session-status")};
(async () => {
  const env = process.env;
  const config = await loadAwsConfig({ env });
  const runner = new RefreshRunner({ env, settings: settingsFromEnv(env) });
  writeFileSync(env.GO_FILE + ".ready." + process.pid, "");
  while (!existsSync(env.GO_FILE!)) await new Promise((r) => setTimeout(r, 2));
  const checks = await runner.checkAll(config);
  const out = checks.map((c) => ({ state: c.state, refreshed: !!c.refreshed, adopted: !!c.adopted, fp: c.token && tokenFingerprint(c.token) }));
  process.stdout.write(JSON.stringify(out));
})();
`,
  );
  return file;
}

interface ChildOut {
  state: string;
  refreshed: boolean;
  adopted: boolean;
  fp?: string;
}

function run(script: string, goFile: string): Promise<ChildOut[]> {
  const child = spawn(process.execPath, ["--import", "tsx", script], {
    cwd: ROOT,
    env: { ...home.env, GO_FILE: goFile } as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (err += d));
  return new Promise<ChildOut[]>((res, rej) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      if (code === 0) res(JSON.parse(out) as ChildOut[]);
      else rej(new Error(`child exited ${code}: ${err}`));
    });
  });
}

test("two processes refreshing the same session at once make exactly one CreateToken call", async () => {
  const { group } = await corpGroup(home.env);
  await writeToken(group.tokenCacheFile, loginToken(emu, { expiresAt: formatCacheTimestamp(Date.now() + 2 * 60_000) }));
  const go = join(home.dir, "go");
  const script = childScript();
  const a = run(script, go);
  const b = run(script, go);
  // Release both at once, when both have booted and are polling for the go file.
  while (readdirSync(home.dir).filter((f) => f.startsWith("go.ready.")).length < 2) await sleep(20);
  writeFileSync(go, "");
  const [outA, outB] = await Promise.all([a, b]);

  expect(emu.oidc.createTokenCalls.refresh_token).toBe(1);
  const results = [...outA, ...outB];
  expect(results.map((r) => r.state)).toEqual(["valid", "valid"]);
  expect(results.filter((r) => r.refreshed)).toHaveLength(1);
  const disk = await readToken(group.tokenCacheFile);
  if (disk.state !== "ok") throw new Error(disk.state);
  // Both ended up with the one refreshed token on disk.
  expect(results.map((r) => r.fp)).toEqual([tokenFingerprint(disk.token), tokenFingerprint(disk.token)]);
}, 90_000);
