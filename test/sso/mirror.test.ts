// Reconciling the cache file with the LocalStorage and Keychain mirrors (fake `security`, temp home).
import { existsSync, mkdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { AwsConfig, SsoSessionGroup } from "../../src/lib/aws";
import { MemoryKeyValueStore } from "../../src/lib/sso/mirrors/key-value-store";
import { KeychainTokenMirror } from "../../src/lib/sso/mirrors/keychain-mirror";
import { KEYCHAIN_CLEARED_KEY, LocalRecords } from "../../src/lib/sso/mirrors/local-records";
import { KEYCHAIN_PROBE_INTERVAL_MS, reconcileMirrors, type ReconcileDeps } from "../../src/lib/sso/reconcile";
import { readToken, writeToken, type CachedToken } from "../../src/lib/sso/token-cache";
import { formatCacheTimestamp } from "../../src/lib/sso/timestamps";
import { makeTempHome, type TempHome } from "./helpers";
import { cliWrite, corpGroup, START_URL, writeConfig } from "./refresh-helpers";

const FAKE = resolve(__dirname, "../fixtures/fake-security/security");
const MIN = 60_000;

let home: TempHome;
let fakeDir: string;
let config: AwsConfig;
let group: SsoSessionGroup;
let store: MemoryKeyValueStore;

beforeEach(async () => {
  home = makeTempHome();
  fakeDir = join(home.dir, "fake-security");
  mkdirSync(fakeDir);
  writeConfig(home.env, ["dev", "prod"]);
  ({ config, group } = await corpGroup(home.env));
  store = new MemoryKeyValueStore();
});
afterEach(() => home.cleanup());

let n = 0;
function token(expiresInMs = 60 * MIN, over: Partial<CachedToken> = {}): CachedToken {
  n += 1;
  return {
    startUrl: START_URL,
    region: "us-east-1",
    accessToken: `aoaACCESS${n}secret`,
    expiresAt: formatCacheTimestamp(Date.now() + expiresInMs),
    clientId: "cid",
    clientSecret: `csecret${n}`,
    registrationExpiresAt: formatCacheTimestamp(Date.now() + 90 * 24 * 60 * MIN),
    refreshToken: `aorREFRESH${n}secret`,
    ...over,
  };
}

const keychain = () =>
  new KeychainTokenMirror({ securityPath: FAKE, env: { PATH: process.env.PATH, FAKE_SECURITY_DIR: fakeDir } });
const deps = (over: Partial<ReconcileDeps> = {}): ReconcileDeps => ({
  store,
  keychain: keychain(),
  mirrorToKeychain: true,
  ...over,
});
const calls = () =>
  existsSync(join(fakeDir, "calls.jsonl"))
    ? readFileSync(join(fakeDir, "calls.jsonl"), "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as { argv: string[]; stdin: string })
    : [];
const items = (): Record<string, { account: string; hex: string }> =>
  existsSync(join(fakeDir, "store.json")) ? JSON.parse(readFileSync(join(fakeDir, "store.json"), "utf8")) : {};
const accounts = () =>
  Object.values(items())
    .map((i) => i.account)
    .sort();
const records = () => new LocalRecords(store);
async function fileToken(): Promise<CachedToken | undefined> {
  const r = await readToken(group.tokenCacheFile);
  return r.state === "ok" ? r.token : undefined;
}

describe("reconcileMirrors", () => {
  test("mirrors the file to LocalStorage and one Keychain item per profile, secrets on stdin only; then idles", async () => {
    const t = token();
    await writeToken(group.tokenCacheFile, t);
    const report = await reconcileMirrors(config, deps());
    expect(report).toMatchObject({ keychain: "ok", sessions: [{ session: "corp", action: "mirrored" }] });
    expect((await records().getToken("corp"))?.token.accessToken).toBe(t.accessToken);
    expect(await records().getSync("corp")).toMatchObject({
      expiresAt: t.expiresAt,
      keychainProfiles: ["dev", "prod"],
    });
    expect(JSON.stringify(await records().getSync("corp"))).not.toContain(t.accessToken);
    expect(accounts()).toEqual(["dev", "prod"]);
    expect((await keychain().read("dev"))?.accessToken).toBe(t.accessToken);
    // Only what a restore needs goes to the Keychain.
    const stored = Buffer.from(Object.values(items())[0].hex, "hex").toString();
    expect(stored).not.toContain(t.refreshToken!);
    expect(stored).not.toContain(t.clientSecret!);
    for (const c of calls()) {
      expect(c.argv.join(" ")).not.toContain(t.accessToken);
      expect(c.argv.join(" ")).not.toContain(Buffer.from(t.accessToken).toString("hex"));
    }
    expect(
      calls()
        .filter((c) => c.argv[0] === "-i")
        .every((c) => c.stdin.includes(Buffer.from(t.accessToken).toString("hex"))),
    ).toBe(true);

    const before = calls().length;
    expect((await reconcileMirrors(config, deps())).sessions[0].action).toBe("none");
    expect(calls().length).toBe(before); // nothing changed: no `security` process at all
  });

  test("a refreshed file is mirrored again", async () => {
    await writeToken(group.tokenCacheFile, token());
    await reconcileMirrors(config, deps());
    const next = token(2 * 60 * MIN);
    await writeToken(group.tokenCacheFile, next);
    expect((await reconcileMirrors(config, deps())).sessions[0].action).toBe("mirrored");
    expect((await keychain().read("prod"))?.accessToken).toBe(next.accessToken);
    expect((await records().getToken("corp"))?.token.accessToken).toBe(next.accessToken);
  });

  test("a file removed after we synced it is a logout: mirrors cleared, the file is never resurrected", async () => {
    await writeToken(group.tokenCacheFile, token());
    await reconcileMirrors(config, deps());
    unlinkSync(group.tokenCacheFile); // aws sso logout
    expect((await reconcileMirrors(config, deps())).sessions[0].action).toBe("logged-out");
    expect(await records().getToken("corp")).toBeUndefined();
    expect(await records().getSync("corp")).toBeUndefined();
    expect(accounts()).toEqual([]);
    expect((await reconcileMirrors(config, deps())).sessions[0].action).toBe("none");
    expect(existsSync(group.tokenCacheFile)).toBe(false);
  });

  test("logout while the keychain is locked: remembered, still not resurrected, finished after unlock", async () => {
    await writeToken(group.tokenCacheFile, token());
    await reconcileMirrors(config, deps());
    unlinkSync(group.tokenCacheFile);
    writeFileSync(join(fakeDir, "locked"), "");
    const locked = await reconcileMirrors(config, deps());
    expect(locked).toMatchObject({ keychain: "unavailable", sessions: [{ action: "logged-out" }] });
    expect(locked.keychainMessage).toMatch(/Keychain is locked/);
    expect(await records().getSync("corp")).toMatchObject({ loggedOut: true });
    await reconcileMirrors(config, deps());
    expect(existsSync(group.tokenCacheFile)).toBe(false);
    unlinkSync(join(fakeDir, "locked"));
    await reconcileMirrors(config, deps());
    expect(accounts()).toEqual([]);
    expect(await records().getSync("corp")).toBeUndefined();
  });

  test("never-synced session: a valid LocalStorage token restores the missing file (full, refreshable)", async () => {
    const t = token();
    await records().setToken("corp", t);
    const report = await reconcileMirrors(config, deps());
    expect(report.sessions[0]).toMatchObject({ action: "restored", source: "local-storage" });
    expect(await fileToken()).toMatchObject({ accessToken: t.accessToken, refreshToken: t.refreshToken });
    expect(accounts()).toEqual(["dev", "prod"]);
  });

  test("never-synced session, only the Keychain has it: restores a non-refreshable file", async () => {
    const t = token();
    await keychain().write("dev", {
      v: 1,
      sessionKey: "corp",
      startUrl: START_URL,
      region: "us-east-1",
      accessToken: t.accessToken,
      expiresAt: t.expiresAt,
    });
    expect((await reconcileMirrors(config, deps())).sessions[0]).toMatchObject({
      action: "restored",
      source: "keychain",
    });
    const restored = await fileToken();
    expect(restored).toMatchObject({ accessToken: t.accessToken, expiresAt: t.expiresAt, startUrl: START_URL });
    expect(restored?.refreshToken).toBeUndefined();
  });

  test("a signed-out session asks the Keychain at most once an hour, not on every run", async () => {
    let now = Date.now();
    const finds = () =>
      calls().filter((c) => c.stdin.includes("find-generic-password") || c.argv.includes("find-generic-password"))
        .length;
    await reconcileMirrors(config, deps({ now: () => now }));
    const first = finds();
    expect(first).toBeGreaterThan(0);
    now += 10 * MIN;
    await reconcileMirrors(config, deps({ now: () => now }));
    expect(finds()).toBe(first);
    now += KEYCHAIN_PROBE_INTERVAL_MS;
    await reconcileMirrors(config, deps({ now: () => now }));
    expect(finds()).toBeGreaterThan(first);
  });

  test("a corrupt file is restored from a valid mirror; without one it is left alone", async () => {
    mkdirSync(dirname(group.tokenCacheFile), { recursive: true });
    writeFileSync(group.tokenCacheFile, "{ half written");
    expect((await reconcileMirrors(config, deps())).sessions[0].action).toBe("kept");
    expect(readFileSync(group.tokenCacheFile, "utf8")).toBe("{ half written");
    const t = token();
    await records().setToken("corp", t);
    expect((await reconcileMirrors(config, deps())).sessions[0].action).toBe("restored");
    expect((await fileToken())?.accessToken).toBe(t.accessToken);
  });

  test("a file regressed to an older token by a stale writer is restored to the fresher mirror", async () => {
    const fresh = token(50 * MIN);
    await writeToken(group.tokenCacheFile, fresh);
    await reconcileMirrors(config, deps());
    cliWrite(group.tokenCacheFile, token(10 * MIN)); // e.g. a tool writing back what it read an hour ago
    expect((await reconcileMirrors(config, deps())).sessions[0].action).toBe("restored");
    expect((await fileToken())?.accessToken).toBe(fresh.accessToken);
  });

  test("expired or foreign mirror tokens never restore anything", async () => {
    await records().setToken("corp", token(-MIN));
    expect((await reconcileMirrors(config, deps())).sessions[0].action).toBe("none");
    await records().setToken("corp", token(60 * MIN, { startUrl: "https://other.awsapps.com/start" }));
    expect((await reconcileMirrors(config, deps())).sessions[0].action).toBe("none");
    expect(existsSync(group.tokenCacheFile)).toBe(false);
    const current = token(5 * MIN);
    await writeToken(group.tokenCacheFile, current);
    await records().setToken("corp", token(-MIN));
    expect((await reconcileMirrors(config, deps())).sessions[0].action).toBe("mirrored");
    expect((await fileToken())?.accessToken).toBe(current.accessToken);
  });

  test("Keychain mirroring turned off removes our items, once", async () => {
    await writeToken(group.tokenCacheFile, token());
    await reconcileMirrors(config, deps());
    expect(accounts()).toEqual(["dev", "prod"]);
    const report = await reconcileMirrors(config, deps({ mirrorToKeychain: false }));
    expect(report.keychain).toBe("off");
    expect(accounts()).toEqual([]);
    expect(await store.getItem(KEYCHAIN_CLEARED_KEY)).toBe("1");
    expect((await records().getToken("corp"))?.token).toBeDefined(); // LocalStorage mirror stays
    const before = calls().length;
    await reconcileMirrors(config, deps({ mirrorToKeychain: false }));
    expect(calls().length).toBe(before);
    await reconcileMirrors(config, deps());
    expect(accounts()).toEqual(["dev", "prod"]); // back on: written again
  });

  test("locked keychain: LocalStorage still mirrored, clear message, not fatal; written after unlock", async () => {
    writeFileSync(join(fakeDir, "locked"), "");
    await writeToken(group.tokenCacheFile, token());
    const report = await reconcileMirrors(config, deps());
    expect(report.keychain).toBe("unavailable");
    expect(report.keychainMessage).toMatch(/locked/);
    expect(report.sessions[0].action).toBe("mirrored");
    expect(calls().length).toBe(1); // paused after the first refusal
    unlinkSync(join(fakeDir, "locked"));
    await reconcileMirrors(config, deps());
    expect(accounts()).toEqual(["dev", "prod"]);
  });

  test("a profile that left the session loses its Keychain item", async () => {
    await writeToken(group.tokenCacheFile, token());
    await reconcileMirrors(config, deps());
    writeConfig(home.env, ["dev"]);
    ({ config, group } = await corpGroup(home.env));
    await reconcileMirrors(config, deps());
    expect(accounts()).toEqual(["dev"]);
  });

  test("no Keychain (not macOS): LocalStorage only", async () => {
    await writeToken(group.tokenCacheFile, token());
    const report = await reconcileMirrors(config, deps({ keychain: undefined }));
    expect(report).toMatchObject({ keychain: "absent", sessions: [{ action: "mirrored" }] });
    rmSync(group.tokenCacheFile);
    expect((await reconcileMirrors(config, deps({ keychain: undefined }))).sessions[0].action).toBe("logged-out");
  });
});
