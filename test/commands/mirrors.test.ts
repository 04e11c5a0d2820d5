// Refresh Tokens keeps the token mirrors in step with the AWS CLI cache file: through the Raycast stand-in's
// LocalStorage and the fake `security` (test/fixtures/fake-security), in a temp HOME and StormTunnel home.
import { existsSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import { LocalStorage, recorded, resetRaycast, setPreferences } from "../raycast/api";
import RefreshTokens from "../../src/refresh-tokens";
import { makeHome, withProcessEnv, type TestHome } from "./fixtures";
import { cliLogin, corpCacheFile, fakeKeychain, localAccessToken } from "./mirror-helpers";

let home: TestHome;
let cacheFile: string;
let keychain: ReturnType<typeof fakeKeychain>;

beforeEach(async () => {
  resetRaycast();
  home = makeHome();
  cacheFile = await corpCacheFile(home);
  keychain = fakeKeychain(home);
});
afterEach(() => home.cleanup());

const run = () => withProcessEnv(home.env, () => RefreshTokens());

describe("Refresh Tokens → token mirrors", () => {
  it("copies the cache file's token to LocalStorage and the Keychain; secrets only on security's stdin", async () => {
    const token = cliLogin(cacheFile);
    await run();
    expect(await localAccessToken()).toBe(token.accessToken);
    const item = JSON.parse(keychain.items().dev);
    expect(item).toMatchObject({ sessionKey: "corp", accessToken: token.accessToken, expiresAt: token.expiresAt });
    expect(keychain.items().dev).not.toContain(token.refreshToken!);

    const hex = (s: string) => Buffer.from(s).toString("hex");
    for (const { argv } of keychain.calls()) {
      for (const secret of [token.accessToken, token.refreshToken!, token.clientSecret!]) {
        expect(argv.join(" ")).not.toContain(secret);
        expect(argv.join(" ")).not.toContain(hex(secret));
      }
    }
    const writes = keychain.calls().filter((c) => c.argv[0] === "-i");
    expect(writes.length).toBeGreaterThan(0);
    expect(writes.every((c) => c.stdin.includes(hex(token.accessToken)))).toBe(true);
    expect(recorded.toasts).toEqual([]);
    expect(recorded.metadata).toEqual([{ subtitle: null }]);
  });

  it("a cache file deleted by the AWS CLI (logout) clears both mirrors and is not resurrected", async () => {
    const token = cliLogin(cacheFile);
    await run();
    expect(await localAccessToken()).toBe(token.accessToken);
    expect(Object.keys(keychain.items())).toEqual(["dev"]);
    unlinkSync(cacheFile); // aws sso logout
    await run();
    expect(await localAccessToken()).toBeUndefined();
    expect(await LocalStorage.getItem("sso.sync.v1.corp")).toBeUndefined();
    expect(keychain.items()).toEqual({});
    await run();
    expect(existsSync(cacheFile)).toBe(false);
  });

  it("mirrors still follow logins and logouts with auto-refresh off", async () => {
    setPreferences({ autoRefresh: false });
    const token = cliLogin(cacheFile);
    await run();
    expect(await localAccessToken()).toBe(token.accessToken);
    expect(Object.keys(keychain.items())).toEqual(["dev"]);
    unlinkSync(cacheFile);
    await run();
    expect(await localAccessToken()).toBeUndefined();
    expect(keychain.items()).toEqual({});
    expect(existsSync(cacheFile)).toBe(false);
  });

  it("turning the Keychain preference off removes our Keychain items and keeps LocalStorage", async () => {
    const token = cliLogin(cacheFile);
    await run();
    expect(Object.keys(keychain.items())).toEqual(["dev"]);
    setPreferences({ mirrorToKeychain: false });
    await run();
    expect(keychain.items()).toEqual({});
    expect(await localAccessToken()).toBe(token.accessToken);
    const before = keychain.calls().length;
    await run();
    expect(keychain.calls().length).toBe(before); // removed once, then left alone
  });

  it("a locked keychain (exit 36) leaves the command successful, with a quiet subtitle; unlocked, it catches up", async () => {
    const token = cliLogin(cacheFile);
    keychain.lock();
    await expect(run()).resolves.toBeUndefined();
    expect(await localAccessToken()).toBe(token.accessToken);
    expect(keychain.items()).toEqual({});
    expect(recorded.metadata).toEqual([{ subtitle: "Keychain copy paused" }]);
    expect(recorded.toasts).toEqual([]);

    unlinkSync(join(home.env.FAKE_SECURITY_DIR, "locked"));
    await run();
    expect(JSON.parse(keychain.items().dev).accessToken).toBe(token.accessToken);
    expect(recorded.metadata[1]).toEqual({ subtitle: null });
  });

  it("a missing `security` binary is a note too, never a failure", async () => {
    const token = cliLogin(cacheFile);
    home.env.STORMTUNNEL_SECURITY_PATH = join(home.root, "no-such-security");
    await expect(run()).resolves.toBeUndefined();
    expect(await localAccessToken()).toBe(token.accessToken);
    expect(recorded.metadata).toEqual([{ subtitle: "Keychain copy paused" }]);
  });
});
