// Cost of one refresh check (fresh tokens on disk, so no network) over 1, 100 and 1,000 profiles, and the cold start
// of the background command: a fresh `node` running a bundled check. Run alone: npx tsx bench/refresh.bench.ts
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { loadAwsConfig } from "../src/lib/aws";
import type { Env } from "../src/lib/home";
import { DEFAULT_SETTINGS } from "../src/lib/settings";
import { RefreshRunner } from "../src/lib/sso/refresh-runner";
import { TokenReadCache, tokenStatusForProfiles } from "../src/lib/sso/session-status";
import { writeToken } from "../src/lib/sso/token-cache";
import { formatCacheTimestamp } from "../src/lib/sso/timestamps";

const ROOT = resolve(__dirname, "..");
const TARGET_MS = 20;

interface Home {
  dir: string;
  env: Env;
}

/** A temp home with `profiles` SSO profiles spread over `sessions` sso-sessions, each logged in for an hour. */
async function makeHome(profiles: number, sessions: number): Promise<Home> {
  const dir = mkdtempSync(join(tmpdir(), "st-bench-refresh-"));
  const env: Env = {
    HOME: dir,
    AWS_CONFIG_FILE: join(dir, ".aws", "config"),
    STORMTUNNEL_HOME: join(dir, ".config", "stormtunnel"),
    // Nothing may reach AWS: a due token would fail fast here instead.
    AWS_ENDPOINT_URL_SSO_OIDC: "http://127.0.0.1:9",
  };
  const lines: string[] = [];
  for (let s = 0; s < sessions; s++) {
    lines.push(
      `[sso-session s${s}]`,
      `sso_start_url = https://d-00000000${String(s).padStart(2, "0")}.awsapps.com/start`,
    );
    lines.push("sso_region = us-east-1", "sso_registration_scopes = sso:account:access", "");
  }
  for (let p = 0; p < profiles; p++) {
    lines.push(`[profile p${p}]`, `sso_session = s${p % sessions}`, "sso_account_id = 111122223333");
    lines.push("sso_role_name = ReadOnly", "region = eu-west-1", "");
  }
  mkdirSync(join(dir, ".aws"), { recursive: true });
  writeFileSync(env.AWS_CONFIG_FILE!, lines.join("\n"));
  const config = await loadAwsConfig({ env });
  const expiresAt = formatCacheTimestamp(Date.now() + 3600_000);
  for (const g of config.groups) {
    await writeToken(g.tokenCacheFile, {
      startUrl: g.startUrl,
      region: g.ssoRegion,
      accessToken: `aoa${"A".repeat(900)}`,
      expiresAt,
      clientId: "c".repeat(22),
      clientSecret: `eyJ${"S".repeat(1000)}`,
      registrationExpiresAt: formatCacheTimestamp(Date.now() + 90 * 86400_000),
      refreshToken: `aor${"R".repeat(900)}`,
    });
  }
  return { dir, env };
}

async function timeIt(fn: () => Promise<unknown>, runs: number): Promise<{ median: number; p95: number }> {
  for (let i = 0; i < 3; i++) await fn(); // warm the file cache and the JIT
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return { median: samples[Math.floor(runs / 2)], p95: samples[Math.min(runs - 1, Math.floor(runs * 0.95))] };
}

/** The background command's work in a fresh process: bundle it like `ray build` does, then run it cold. */
function coldStart(home: Home, withoutSdk = false): { wallMs: number; inProcessMs: number; sessions: number } {
  const entry = join(home.dir, "check.ts");
  const lib = (p: string) => JSON.stringify(join(ROOT, "src/lib", p));
  writeFileSync(
    entry,
    `import { loadAwsConfig } from ${lib("aws")};
import { settingsFromEnv } from ${lib("settings")};
import { RefreshRunner } from ${lib("sso/refresh-runner")};
(async () => {
  const env = process.env;
  const config = await loadAwsConfig({ env });
  const checks = await new RefreshRunner({ env, settings: settingsFromEnv(env) }).checkAll(config);
  // performance.now() counts from process start: require + config + check.
  process.stdout.write(JSON.stringify({ ms: performance.now(), sessions: checks.length }));
})();
`,
  );
  const outfile = join(home.dir, "check.js");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require("esbuild").buildSync({
    entryPoints: [entry],
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    outfile,
    logLevel: "silent",
    // What the check would cost if the refresh path's SDK code did not ride along in the same bundle.
    external: withoutSdk ? ["./oidc", "../aws/sdk-config"] : [],
  });
  const runs: { wall: number; ms: number; sessions: number }[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [outfile], { env: home.env as NodeJS.ProcessEnv, encoding: "utf8" });
    const wall = performance.now() - t0;
    if (r.status !== 0) throw new Error(`cold start run failed: ${r.stderr}`);
    runs.push({ wall, ...(JSON.parse(r.stdout) as { ms: number; sessions: number }) });
  }
  runs.sort((a, b) => a.wall - b.wall);
  const mid = runs[Math.floor(runs.length / 2)];
  return { wallMs: mid.wall, inProcessMs: mid.ms, sessions: mid.sessions };
}

export async function run(): Promise<string> {
  const rows: string[][] = [];
  const homes: Home[] = [];
  try {
    for (const [profiles, sessions] of [
      [1, 1],
      [100, 100],
      [1000, 1000],
      [1000, 10],
    ]) {
      const home = await makeHome(profiles, sessions);
      homes.push(home);
      const config = await loadAwsConfig({ env: home.env });
      const settings = DEFAULT_SETTINGS;
      // Warm: a long-lived process (tunnel worker, menu bar) whose stat cache already holds the files.
      const warmRunner = new RefreshRunner({ env: home.env, settings, readCache: new TokenReadCache() });
      const warm = await timeIt(() => warmRunner.checkAll(config), 15);
      // Cold: every file read and parsed (a fresh process, or every file changed since the last check).
      const cold = await timeIt(
        () => new RefreshRunner({ env: home.env, settings, readCache: new TokenReadCache() }).checkAll(config),
        7,
      );
      const menu = await timeIt(() => tokenStatusForProfiles(config, home.env, Date.now()), 15);
      const verdict = (ms: number) => (ms <= TARGET_MS ? "ok" : "over");
      rows.push([
        String(profiles),
        String(sessions),
        `${warm.median.toFixed(2)} / ${warm.p95.toFixed(2)}`,
        `${cold.median.toFixed(2)} / ${cold.p95.toFixed(2)}`,
        menu.median.toFixed(2),
        profiles === 1000 ? `warm ${verdict(warm.median)}, cold ${verdict(cold.median)}` : "",
      ]);
    }
    const cold = coldStart(homes[0]);
    const cold100 = coldStart(homes[1]);
    const lean = coldStart(homes[0], true);
    const table = [
      "refresh check (RefreshRunner.checkAll, fresh tokens on disk, no network; ms median / p95)",
      "",
      "| profiles | sessions | checkAll warm | checkAll cold (all files read) | tokenStatusForProfiles (menu bar) | target <= 20 ms (1,000) |",
      "|---:|---:|---:|---:|---:|---|",
      ...rows.map((r) => `| ${r.join(" | ")} |`),
      "",
      "background command cold start (fresh `node` on an esbuild bundle: require + load config + check)",
      "",
      "| bundle | profiles | process wall ms | in-process ms (since process start) |",
      "|---|---:|---:|---:|",
      `| as shipped (SDK clients in the bundle, loaded only to refresh) | 1 | ${cold.wallMs.toFixed(0)} | ${cold.inProcessMs.toFixed(0)} |`,
      `| as shipped | 100 | ${cold100.wallMs.toFixed(0)} | ${cold100.inProcessMs.toFixed(0)} |`,
      `| without the refresh path's SDK code | 1 | ${lean.wallMs.toFixed(0)} | ${lean.inProcessMs.toFixed(0)} |`,
    ];
    return table.join("\n");
  } finally {
    for (const h of homes) rmSync(h.dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  run().then(
    (table) => console.log(table),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
