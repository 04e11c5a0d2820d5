// The small things users trip over in the CLI: printed commands they can paste as they are, unknown flags refused
// by every verb, private directories kept private, and messages that read right.
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { main } from "../../src/cli/main";
import type { CliIo } from "../../src/cli/io";
import { describeExpiry } from "../../src/cli/commands/profiles";
import { shellQuote } from "../../src/cli/shell-quote";
import { ensureStormtunnelHome } from "../../src/lib/home";
import { sentence } from "../../src/lib/sentence";
import { decide } from "../../src/lib/sso/refresh-policy";
import { writeLoginProgress, type LoginProgress } from "../../src/lib/sso/login/state";
import { SessionStatusStore } from "../../src/lib/sso/session-status";
import { loginExpired } from "../../src/lib/sso/login/errors";
import { tokenFromJson } from "../../src/lib/sso/token-cache";
import { ensureTunnelDirs, logDir } from "../../src/lib/tunnels/state";
import { freePort, tempEnv, type TempEnv } from "../tunnels/helpers";

function capture(env: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    env,
    stdout: (l) => out.push(l),
    stderr: (l) => err.push(l),
    signal: new AbortController().signal,
  };
  return { io, out, err };
}

let t: TempEnv;
beforeEach(() => {
  t = tempEnv();
});
afterEach(() => t.cleanup());

describe("commands we print can be pasted", () => {
  test.each(["my db", "x;touch pwned", "it's $HOME `id`", "plain-name_1.2"])("shellQuote(%j) is one word", (name) => {
    const quoted = shellQuote(name);
    expect(execFileSync("sh", ["-c", `printf '%s' ${quoted}`], { cwd: t.dir, encoding: "utf8" })).toBe(name);
  });

  test("tunnel add's 'Start it with' hint names the tunnel as one shell word", async () => {
    const name = "my db;touch pwned";
    const c = capture(t.env);
    const add = ["tunnel", "add", "--name", name, "--profile", "dev", "--target", "i-0123456789abcdef0"];
    expect(await main([...add, "--remote-port", "5432", "--local-port", String(await freePort())], c.io)).toBe(0);
    const hint = /Start it with: (.*)$/.exec(c.out[0])![1];
    expect(hint).toBe(`stormtunnel connect 'my db;touch pwned'`);
    expect(execFileSync("sh", ["-c", `printf '%s|' ${hint}`], { cwd: t.dir, encoding: "utf8" })).toBe(
      `stormtunnel|connect|${name}|`,
    );
  });

  test("refresh's sign-in hint quotes a profile name with a space", async () => {
    mkdirSync(join(t.dir, ".aws"));
    writeFileSync(
      t.env.AWS_CONFIG_FILE,
      [
        "[sso-session corp]",
        "sso_start_url = https://d-0000000000.awsapps.com/start",
        "sso_region = us-east-1",
        "sso_registration_scopes = sso:account:access",
        '[profile "my prof"]',
        "sso_session = corp",
        "sso_account_id = 111122223333",
        "sso_role_name = Dev",
        "",
      ].join("\n"),
    );
    const c = capture(t.env);
    expect(await main(["refresh", "my prof"], c.io)).toBe(1);
    expect(c.out[0]).toContain("sign in: stormtunnel login 'my prof'");
  });
});

describe("every verb refuses a flag it does not know (exit 2)", () => {
  test.each([
    [["status", "--bogus"]],
    [["status", "extra"]],
    [["tunnel", "list", "--bogus"]],
    [["tunnel", "ls", "--json", "--bogus"]],
    [["tunnel", "add", "--name", "x", "--bogus", "1"]],
    [["tunnel", "remove", "x", "--bogus"]],
    [["connect", "x", "--bogus"]],
    [["disconnect", "--bogus"]],
    [["disconnect", "--all", "--bogus"]],
  ])("%j", async (argv) => {
    const c = capture(t.env);
    expect(await main(argv, c.io)).toBe(2);
    expect(c.err.join("\n")).toMatch(/usage: stormtunnel|Unknown option --bogus/);
    expect(c.out).toEqual([]);
  });

  test("known flags still work: status --json, tunnel list --json", async () => {
    let c = capture(t.env);
    expect(await main(["status", "--json"], c.io)).toBe(0);
    expect(JSON.parse(c.out.join("\n"))).toEqual([]);
    c = capture(t.env);
    expect(await main(["tunnel", "list", "--json"], c.io)).toBe(0);
    expect(JSON.parse(c.out.join("\n"))).toEqual([]);
  });
});

describe("private directories", () => {
  test("an existing StormTunnel home and logs directory at 0755 are tightened to 0700", () => {
    const home = t.env.STORMTUNNEL_HOME;
    mkdirSync(join(home, "logs"), { recursive: true });
    chmodSync(home, 0o755);
    chmodSync(join(home, "logs"), 0o755);
    ensureStormtunnelHome(t.env);
    expect(statSync(home).mode & 0o777).toBe(0o700);
    ensureTunnelDirs(t.env);
    expect(statSync(logDir(t.env)).mode & 0o777).toBe(0o700);
    expect(statSync(join(home, "state")).mode & 0o777).toBe(0o700);
  });

  test("a sign-in or a refresh status written into a 0755 home tightens it too", async () => {
    for (const write of [
      () => writeLoginProgress(t.env, { tokenCacheKey: "corp" }, { status: "starting" } as LoginProgress),
      () => new SessionStatusStore(t.env).update("corp", () => ({ failures: 0 })),
    ]) {
      const home = (t.env.STORMTUNNEL_HOME = join(t.dir, `home-${Math.random().toString(36).slice(2)}`));
      mkdirSync(home, { mode: 0o755 });
      chmodSync(home, 0o755);
      await write();
      expect(statSync(home).mode & 0o777).toBe(0o700);
    }
  });
});

describe("wording", () => {
  const NOW = Date.UTC(2026, 0, 2, 3, 0, 0);

  test("an expiry less than a minute away or ago never reads 'in 0 min'", () => {
    expect(describeExpiry(NOW - 30_000, NOW)).toBe("2026-01-02T02:59:30Z (less than a minute ago)");
    expect(describeExpiry(NOW - 1, NOW)).toMatch(/\(less than a minute ago\)$/);
    expect(describeExpiry(NOW, NOW)).toMatch(/\(less than a minute ago\)$/);
    expect(describeExpiry(NOW + 20_000, NOW)).toMatch(/\(in less than a minute\)$/);
    expect(describeExpiry(NOW + 42 * 60_000, NOW)).toMatch(/\(in 42 min\)$/);
    expect(describeExpiry(NOW - 3 * 3_600_000, NOW)).toMatch(/\(3 h ago\)$/);
  });

  test("one minute is singular", () => {
    expect(loginExpired(1).message).toMatch(/within 1 minute\.$/);
    expect(loginExpired(10).message).toMatch(/within 10 minutes\.$/);
  });

  test("a token file whose accessToken is a number says so", () => {
    const read = tokenFromJson({ accessToken: 42, expiresAt: "2026-01-02T03:04:05Z" }, 0);
    expect(read).toEqual({ state: "corrupt", reason: "accessToken is a number, not a string" });
    expect(tokenFromJson({ expiresAt: "2026-01-02T03:04:05Z" }, 0)).toEqual({
      state: "corrupt",
      reason: "accessToken is missing",
    });
  });

  test("a failed attempt is not reported as 'refreshed less than a minute ago'", () => {
    const base = {
      now: NOW,
      settings: { autoRefresh: true, refreshThresholdMs: 5 * 60_000 },
      sessionCanRefresh: true,
      cache: {
        state: "ok" as const,
        token: { expiresAt: NOW + 60_000, hasRefreshData: true, registrationExpiresAt: NOW + 1e10, fingerprint: "f" },
      },
    };
    const failed = decide({ ...base, history: { failures: 0, lastAttemptAt: NOW - 10_000, lastSuccessAt: NOW - 3e6 } });
    expect(failed).toMatchObject({ refresh: false, reason: "a refresh was tried less than a minute ago" });
    const succeeded = decide({
      ...base,
      history: { failures: 0, lastAttemptAt: NOW - 10_000, lastSuccessAt: NOW - 9_000 },
    });
    expect(succeeded.reason).toBe("refreshed less than a minute ago");
  });

  test("joined messages never carry '..'", () => {
    expect(sentence("Sign in again (… or `aws sso login`).")).toBe("Sign in again (… or `aws sso login`).");
    expect(sentence("not signed in")).toBe("not signed in.");
    expect(sentence("Really?")).toBe("Really?");
    expect(sentence("trailing.. ")).toBe("trailing.");
  });
});
