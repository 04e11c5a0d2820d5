// The refresh runner against the emulated Identity Center, through the real SSO OIDC SDK client and real sockets.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { MemoryKeyValueStore } from "../../src/lib/sso/mirrors/key-value-store";
import { KeychainTokenMirror } from "../../src/lib/sso/mirrors/keychain-mirror";
import { reconcileMirrors } from "../../src/lib/sso/reconcile";
import { startEmulator, type Emulator } from "../emulator";
import { DEFAULT_SETTINGS, type Settings } from "../../src/lib/settings";
import { acquireFileLock } from "../../src/lib/lock";
import { RefreshRunner } from "../../src/lib/sso/refresh-runner";
import {
  SessionStatusStore,
  sessionStatusFile,
  TokenReadCache,
  tokenStatusForProfiles,
} from "../../src/lib/sso/session-status";
import { readToken, tokenLockPath, writeToken, type CachedToken } from "../../src/lib/sso/token-cache";
import { makeTempHome, type TempHome } from "./helpers";
import { cliWrite, corpGroup, loginToken, writeConfig } from "./refresh-helpers";

const MIN = 60_000;
let emu: Emulator;
let home: TempHome;

beforeEach(async () => {
  emu = await startEmulator({ knobs: { accessTokenTtlSeconds: 3600, idpSessionTtlSeconds: 8 * 3600 } });
  home = makeTempHome(emu.env());
  writeConfig(home.env, ["dev", "prod"], true);
});
afterEach(async () => {
  await emu.close();
  home.cleanup();
});

function runner(settings: Partial<Settings> = {}): RefreshRunner {
  return new RefreshRunner({
    env: home.env,
    settings: { ...DEFAULT_SETTINGS, ...settings },
    now: () => emu.clock.now(),
  });
}
const refreshCalls = () => emu.oidc.createTokenCalls.refresh_token;
/** CreateToken requests that reached the emulator, including those an injected fault answered. */
const attempts = () => emu.log.filter((e) => e.service === "sso-oidc" && e.operation === "CreateToken").length;

async function loggedIn(over: Partial<CachedToken> = {}) {
  const { config, group } = await corpGroup(home.env);
  const token = loginToken(emu, over);
  await writeToken(group.tokenCacheFile, token);
  return { config, group, token };
}

async function onDisk(file: string): Promise<CachedToken> {
  const r = await readToken(file);
  if (r.state !== "ok") throw new Error(r.state);
  return r.token;
}

describe("RefreshRunner against the emulator", () => {
  test("a fresh token is left alone: no network", async () => {
    const { group, token } = await loggedIn();
    const check = await runner().ensureFresh(group);
    expect(check).toMatchObject({ state: "valid", tunnelUsable: true });
    expect(check.token?.accessToken).toBe(token.accessToken);
    expect(refreshCalls()).toBe(0);
  });

  test("refreshes within 5 min of expiry, keeps the file CLI-compatible and unknown fields", async () => {
    const { group, token } = await loggedIn({ scopes: ["sso:account:access"] });
    emu.clock.advance(56 * MIN);
    const check = await runner().ensureFresh(group);
    expect(check).toMatchObject({ state: "valid", refreshed: true, tunnelUsable: true });
    expect(refreshCalls()).toBe(1);
    const after = await onDisk(group.tokenCacheFile);
    expect(after.accessToken).not.toBe(token.accessToken);
    expect(after.refreshToken).not.toBe(token.refreshToken); // the emulator rotates; the new one is kept
    expect(after.expiresAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Date.parse(after.expiresAt)).toBeGreaterThan(emu.clock.now() + 59 * MIN);
    expect(after).toMatchObject({ clientId: token.clientId, scopes: ["sso:account:access"], startUrl: token.startUrl });
    expect(emu.oidc.accessTokenValid(after.accessToken)).toBe(true);
  });

  test("short-lived tokens are refreshed again on later checks (clock advanced), never twice a minute", async () => {
    emu.knobs.accessTokenTtlSeconds = 120;
    const { group } = await loggedIn();
    const r = runner();
    await r.ensureFresh(group);
    expect(refreshCalls()).toBe(1); // 2 min left is inside the 5 min threshold
    await r.ensureFresh(group);
    expect(refreshCalls()).toBe(1); // throttled: at most one attempt per minute
    emu.clock.advance(61_000);
    const check = await r.ensureFresh(group);
    expect(refreshCalls()).toBe(2);
    expect(check.refreshed).toBe(true);
  });

  test("after the IdP session ends: auth-required with the reason, token used until expiry; re-login clears it", async () => {
    emu.knobs.idpSessionTtlSeconds = 90 * 60;
    const { config, group } = await loggedIn();
    const r = runner();
    emu.clock.advance(56 * MIN);
    expect((await r.ensureFresh(group)).refreshed).toBe(true); // at 56 min the session is still on
    const last = await onDisk(group.tokenCacheFile);
    emu.clock.advance(55 * MIN); // 111 min: session ended at 90, token runs to ~116
    const check = await r.ensureFresh(group);
    expect(check.state).toBe("auth-required");
    expect(check.reason).toMatch(/InvalidGrantException/);
    expect(check.reason).toMatch(/Sign in again/);
    expect(check.tunnelUsable).toBe(true);
    expect(check.token?.accessToken).toBe(last.accessToken);
    expect(check.idpSessionEnd).toBe(Date.parse(last.expiresAt));
    expect(refreshCalls()).toBe(2);

    // Sticky for this token: no more calls, and every process sees it through sso-status.json.
    emu.clock.advance(2 * MIN);
    expect((await r.ensureFresh(group)).state).toBe("auth-required");
    expect(refreshCalls()).toBe(2);
    const statuses = await tokenStatusForProfiles(config, home.env, emu.clock.now());
    expect(statuses.find((s) => s.profile === "dev")).toMatchObject({ state: "auth-required", tunnelUsable: true });
    const statusText = readFileSync(sessionStatusFile(home.env), "utf8");
    expect(statusText).not.toContain(last.accessToken);
    expect(statusText).not.toContain(last.refreshToken!);

    // A login writes a fresh token: the badge goes away without any refresh.
    await writeToken(group.tokenCacheFile, loginToken(emu));
    const relogged = await r.ensureFresh(group);
    expect(relogged).toMatchObject({ state: "valid", tunnelUsable: true });
    expect(relogged.idpSessionEnd).toBeUndefined();
    expect(refreshCalls()).toBe(2);
  });

  test("refresh, then the mirrors follow: LocalStorage and the Keychain fake get the new token on stdin only", async () => {
    const { config, group } = await loggedIn();
    emu.clock.advance(56 * MIN);
    const fakeDir = join(home.dir, "fake-security");
    mkdirSync(fakeDir);
    const keychain = new KeychainTokenMirror({
      securityPath: resolve(__dirname, "../fixtures/fake-security/security"),
      env: { PATH: process.env.PATH, FAKE_SECURITY_DIR: fakeDir },
    });
    const store = new MemoryKeyValueStore();
    const mirrorDeps = { store, keychain, mirrorToKeychain: true, now: () => emu.clock.now() };
    await reconcileMirrors(config, mirrorDeps);
    expect((await runner().ensureFresh(group)).refreshed).toBe(true);
    const fresh = await onDisk(group.tokenCacheFile);
    const report = await reconcileMirrors(config, mirrorDeps);
    expect(report.sessions.find((s) => s.session === "corp")?.action).toBe("mirrored");
    expect((await keychain.read("dev"))?.accessToken).toBe(fresh.accessToken);
    expect((await keychain.read("prod"))?.expiresAt).toBe(fresh.expiresAt);
    const calls = readFileSync(join(fakeDir, "calls.jsonl"), "utf8");
    for (const line of calls.trim().split("\n")) {
      const { argv } = JSON.parse(line) as { argv: string[] };
      expect(argv.join(" ")).not.toContain(fresh.accessToken);
    }
    expect(calls).toContain(Buffer.from(fresh.accessToken).toString("hex")); // it went in on stdin
  });

  test("5xx: token kept, retried after a 60 s backoff that doubles", async () => {
    const { group, token } = await loggedIn();
    emu.clock.advance(57 * MIN);
    emu.addFault({ service: "sso-oidc", operation: "CreateToken", status: 500, times: 2 });
    const r = runner();
    const before = emu.clock.now();
    const first = await r.ensureFresh(group);
    expect(first).toMatchObject({ state: "expiring", tunnelUsable: true });
    expect(first.retryAt).toBeGreaterThanOrEqual(before + MIN);
    expect(first.retryAt).toBeLessThanOrEqual(emu.clock.now() + MIN);
    expect(first.reason).toMatch(/retrying a failed refresh/);
    expect((await onDisk(group.tokenCacheFile)).accessToken).toBe(token.accessToken);
    expect(attempts()).toBe(1);

    await r.ensureFresh(group);
    expect(attempts()).toBe(1); // backing off
    emu.clock.advance(MIN);
    const beforeSecond = emu.clock.now();
    const second = await r.ensureFresh(group);
    expect(attempts()).toBe(2);
    expect(second.retryAt).toBeGreaterThanOrEqual(beforeSecond + 2 * MIN);
    expect(second.retryAt).toBeLessThanOrEqual(emu.clock.now() + 2 * MIN);
    expect((await new SessionStatusStore(home.env).get("corp"))?.failures).toBe(2);

    emu.clock.advance(2 * MIN);
    const third = await r.ensureFresh(group);
    expect(third).toMatchObject({ state: "valid", refreshed: true });
    expect((await new SessionStatusStore(home.env).get("corp"))?.failures).toBe(0);
  });

  test("an outage across expiry is never auth-required; after expiry a try every minute; back at the first one", async () => {
    const { group } = await loggedIn();
    emu.addFault({ service: "sso-oidc", operation: "CreateToken", status: 500, times: Infinity });
    const r = runner();
    const tries: number[] = [];
    emu.clock.advance(56 * MIN);
    // 56 min → 90 min in 15 s steps: the token expires at 60 min, half-way through the outage.
    for (let t = 0; t < 34 * 4; t++) {
      const before = attempts();
      const check = await r.ensureFresh(group);
      if (attempts() > before) tries.push(emu.clock.now());
      expect(check.state).not.toBe("auth-required");
      expect(check.refreshPending).toBe(true);
      expect(check.lastFailure ?? "").toMatch(tries.length ? /temporarily unavailable/ : /^$/);
      emu.clock.advance(15_000);
    }
    const expiredAt = Date.parse((await onDisk(group.tokenCacheFile)).expiresAt);
    const gapsAfterExpiry = tries.filter((t) => t > expiredAt).map((t, i, a) => (i ? t - a[i - 1] : 0));
    expect(gapsAfterExpiry.length).toBeGreaterThanOrEqual(25);
    expect(Math.max(...gapsAfterExpiry)).toBeLessThanOrEqual(MIN + 15_000);
    expect(emu.log.filter((e) => e.operation === "CreateToken" && e.fault).length).toBe(tries.length);

    emu.clearFaults();
    const lastTry = tries[tries.length - 1];
    let back: number | undefined;
    while (back === undefined) {
      const check = await r.ensureFresh(group);
      if (check.refreshed) back = emu.clock.now();
      else emu.clock.advance(15_000);
    }
    expect(back - lastTry).toBeLessThanOrEqual(MIN + 15_000);
    expect(await r.ensureFresh(group)).toMatchObject({ state: "valid", tunnelUsable: true, refreshPending: false });
  });

  test("network down (connection dropped, then refused): token kept, retry later", async () => {
    const { group, token } = await loggedIn();
    emu.clock.advance(57 * MIN);
    emu.addFault({ service: "sso-oidc", operation: "CreateToken", dropConnection: true, times: 1 });
    const check = await runner().ensureFresh(group);
    expect(check).toMatchObject({ state: "expiring", tunnelUsable: true, reason: expect.stringMatching(/retrying/) });
    expect(check.retryAt).toBeGreaterThan(emu.clock.now());
    expect((await onDisk(group.tokenCacheFile)).accessToken).toBe(token.accessToken);

    const dead = new RefreshRunner({
      env: home.env,
      settings: DEFAULT_SETTINGS,
      now: () => emu.clock.now() + 2 * MIN,
      endpoints: { ssoOidc: "http://127.0.0.1:9" },
    });
    const refused = await dead.ensureFresh(group);
    expect(refused.state).toBe("expiring");
    expect((await new SessionStatusStore(home.env).get("corp"))?.lastError?.message).toMatch(/Cannot reach/);
  });

  test("an endpoint that never answers times out as a transient failure", async () => {
    const { group, token } = await loggedIn();
    emu.clock.advance(57 * MIN);
    emu.addFault({ service: "sso-oidc", operation: "CreateToken", delayMs: 3000, times: 1 });
    const r = new RefreshRunner({
      env: home.env,
      settings: DEFAULT_SETTINGS,
      now: () => emu.clock.now(),
      requestTimeoutMs: 300,
    });
    const check = await r.ensureFresh(group);
    expect(check).toMatchObject({ state: "expiring", tunnelUsable: true });
    expect((await new SessionStatusStore(home.env).get("corp"))?.lastError).toMatchObject({ kind: "transient" });
    expect((await onDisk(group.tokenCacheFile)).accessToken).toBe(token.accessToken);
  });

  test("a token another tool wrote while we waited for the lock is adopted, not refreshed again", async () => {
    const { group } = await loggedIn();
    emu.clock.advance(57 * MIN);
    const lock = await acquireFileLock(tokenLockPath(group.tokenCacheFile));
    // The runner's first look (before the lock) goes through its read cache: once it has looked, it can only go on
    // by taking the lock we hold, so a token written now is one it finds only under the lock.
    let looked!: () => void;
    const firstLook = new Promise<void>((resolve) => (looked = resolve));
    const readCache = new (class extends TokenReadCache {
      override async read(file: string) {
        const read = await super.read(file);
        looked();
        return read;
      }
    })();
    const pending = new RefreshRunner({
      env: home.env,
      settings: DEFAULT_SETTINGS,
      now: () => emu.clock.now(),
      readCache,
    }).ensureFresh(group);
    await firstLook;
    const fresh = loginToken(emu); // e.g. `aws sso login` or the CLI's own refresh, written in place
    cliWrite(group.tokenCacheFile, fresh);
    await lock!.release();
    const check = await pending;
    expect(check).toMatchObject({ state: "valid", adopted: true });
    expect(check.token?.accessToken).toBe(fresh.accessToken);
    expect(refreshCalls()).toBe(0);
  });

  test("a token written by the AWS CLI during our CreateToken wins; ours is not written over it", async () => {
    const { group } = await loggedIn();
    emu.clock.advance(57 * MIN);
    // Hold our CreateToken at the emulator: the CLI writes its token while the call is in flight.
    let arrived!: () => void;
    let answer!: () => void;
    const inFlight = new Promise<void>((resolve) => (arrived = resolve));
    const released = new Promise<void>((resolve) => (answer = resolve));
    const hold = () => (arrived(), released);
    emu.addFault({ service: "sso-oidc", operation: "CreateToken", times: 1, hold });
    const pending = runner().ensureFresh(group);
    await inFlight;
    const fresh = loginToken(emu);
    cliWrite(group.tokenCacheFile, fresh);
    answer();
    const check = await pending;
    expect(refreshCalls()).toBe(1);
    expect(check).toMatchObject({ state: "valid", adopted: true });
    expect((await onDisk(group.tokenCacheFile)).accessToken).toBe(fresh.accessToken);
  });

  test("single-flight: concurrent checks in one process make one CreateToken call", async () => {
    const { group } = await loggedIn();
    emu.clock.advance(57 * MIN);
    const r = runner();
    const checks = await Promise.all([r.ensureFresh(group), r.ensureFresh(group), r.ensureFresh(group)]);
    expect(refreshCalls()).toBe(1);
    expect(new Set(checks.map((c) => c.token?.accessToken)).size).toBe(1);
  });

  test("corrupt cache: reported as auth-required with the reason, no crash, no refresh", async () => {
    const { config, group } = await corpGroup(home.env);
    cliWrite(group.tokenCacheFile, {} as CachedToken);
    writeFileSync(group.tokenCacheFile, '{"accessToken": "aoaX", "expi');
    const check = await runner().ensureFresh(group);
    expect(check.state).toBe("auth-required");
    expect(check.reason).toMatch(/unreadable/);
    expect(check.tunnelUsable).toBe(false);
    const all = await runner().checkAll(config);
    expect(all.map((c) => c.state).sort()).toEqual(["auth-required", "signed-out"]);
    expect(refreshCalls()).toBe(0);
  });

  test("auto-refresh off: reported as expiring, no call; --force refreshes anyway", async () => {
    const { group } = await loggedIn();
    emu.clock.advance(57 * MIN);
    const r = runner({ autoRefresh: false });
    expect(await r.ensureFresh(group)).toMatchObject({ state: "expiring", reason: "automatic refresh is turned off" });
    expect(refreshCalls()).toBe(0);
    expect(await r.ensureFresh(group, { force: true })).toMatchObject({ state: "valid", refreshed: true });
    expect(refreshCalls()).toBe(1);
  });

  test("portal 401: one refresh fixes it; when none is possible the session needs a login", async () => {
    const { config, group } = await loggedIn();
    const r = runner();
    expect(await r.recoverFromUnauthorized(group)).toMatchObject({ state: "valid", refreshed: true });
    expect(refreshCalls()).toBe(1);

    // A token without a refresh token (the AWS CLI's legacy login) cannot be repaired by a refresh.
    const legacy = config.groups.find((g) => !g.sessionName)!;
    await writeToken(legacy.tokenCacheFile, loginToken(emu, { refreshToken: undefined }));
    const check = await r.recoverFromUnauthorized(legacy);
    expect(check).toMatchObject({ state: "auth-required", tunnelUsable: true });
    expect(check.reason).toMatch(/UnauthorizedException/);
    expect(refreshCalls()).toBe(1);
    await writeToken(legacy.tokenCacheFile, loginToken(emu)); // a new login clears it
    expect((await r.ensureFresh(legacy)).state).toBe("valid");

    emu.oidc.revokeRefreshTokens();
    emu.clock.advance(2 * MIN);
    expect(await r.recoverFromUnauthorized(group)).toMatchObject({ state: "auth-required" });
  });

  test("legacy profiles refresh like the rest, except a token without a refresh token; signed-out is reported", async () => {
    const { config } = await corpGroup(home.env);
    const checks = await runner().checkAll(config);
    expect(checks.map((c) => [c.group.sessionName ?? "legacy", c.state]).sort()).toEqual([
      ["corp", "signed-out"],
      ["legacy", "signed-out"],
    ]);
    const legacy = config.groups.find((g) => !g.sessionName)!;
    // As the AWS CLI's legacy login leaves it: its own client data, no refresh token.
    await writeToken(legacy.tokenCacheFile, loginToken(emu, { refreshToken: undefined }));
    emu.clock.advance(58 * MIN);
    const check = await runner().ensureFresh(legacy);
    expect(check.state).toBe("expiring");
    expect(check.reason).toMatch(/no refresh token .* sign in with StormTunnel/);
    expect(refreshCalls()).toBe(0);

    await writeToken(legacy.tokenCacheFile, loginToken(emu));
    emu.clock.advance(58 * MIN);
    expect(await runner().ensureFresh(legacy)).toMatchObject({ state: "valid", refreshed: true });
    expect(refreshCalls()).toBe(1);
  });
});
