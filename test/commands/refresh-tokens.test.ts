import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { LaunchType, LocalStorage, environment, recorded, resetRaycast, setPreferences } from "../raycast/api";
import { backgroundCheck, backgroundSubtitle, handRunSummary } from "../../src/commands/refresh/background-check";
import { readSettings } from "../../src/commands/settings";
import { loadAwsConfig } from "../../src/lib/aws";
import { saveTunnel } from "../../src/lib/tunnels/store";
import RefreshTokens from "../../src/refresh-tokens";
import { startEmulator } from "../emulator";
import { makeHome, withProcessEnv, type TestHome } from "./fixtures";

const NOW = Date.parse("2026-03-01T12:00:00Z");
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

let home: TestHome;
let cacheFile: string;

beforeEach(async () => {
  resetRaycast();
  home = makeHome();
  cacheFile = (await loadAwsConfig({ env: home.env })).groups[0].tokenCacheFile;
});
afterEach(() => home.cleanup());

/** An AWS-CLI-format token for the "corp" session, expiring `minutes` from NOW. */
function writeToken(minutes: number) {
  mkdirSync(dirname(cacheFile), { recursive: true });
  writeFileSync(
    cacheFile,
    JSON.stringify({
      startUrl: "https://corp.awsapps.com/start",
      region: "eu-west-1",
      accessToken: "old-access",
      expiresAt: iso(NOW + minutes * 60_000),
      clientId: "client",
      clientSecret: "secret",
      registrationExpiresAt: iso(NOW + 30 * 86_400_000),
      refreshToken: "old-refresh",
    }),
  );
}

const useTunnel = () =>
  saveTunnel(home.env, { name: "db", profile: "dev", target: "i-0123abcd", remotePort: 5432, localPort: 15432 });

describe("Refresh Tokens (background)", () => {
  it("reads the manifest defaults: auto-refresh on, 5 min threshold, 60 s checks, PKCE, Keychain mirror", () => {
    expect(readSettings()).toEqual({
      autoRefresh: true,
      refreshThresholdMs: 5 * 60_000,
      checkIntervalMs: 60_000,
      loginMethod: "pkce",
      mirrorToKeychain: true,
      awsConfigFile: undefined,
    });
  });

  it("returns at once when auto-refresh is off, touching no token", async () => {
    setPreferences({ autoRefresh: false });
    await useTunnel();
    writeToken(2);
    const createToken = jest.fn();
    expect(await backgroundCheck(home.env, readSettings(), { createToken, now: () => NOW })).toEqual({
      ran: false,
      reason: "auto-refresh off",
    });
    expect(createToken).not.toHaveBeenCalled();
  });

  it("refreshes a session a saved tunnel uses when it is within the threshold", async () => {
    await useTunnel();
    writeToken(2);
    const createToken = jest.fn(async () => ({
      accessToken: "new-access",
      expiresIn: 3600,
      refreshToken: "new-refresh",
    }));
    const check = await backgroundCheck(home.env, readSettings(), { createToken, now: () => NOW });
    expect(createToken).toHaveBeenCalledTimes(1);
    expect(check).toMatchObject({ ran: true, tunnels: 0, sessions: [{ state: "valid", refreshed: true }] });
    expect(JSON.parse(readFileSync(cacheFile, "utf8"))).toMatchObject({
      accessToken: "new-access",
      refreshToken: "new-refresh",
    });
    expect(backgroundSubtitle(check)).toBeNull();
  });

  it("leaves a token with time to spare alone", async () => {
    await useTunnel();
    writeToken(50);
    const createToken = jest.fn();
    const check = await backgroundCheck(home.env, readSettings(), { createToken, now: () => NOW });
    expect(createToken).not.toHaveBeenCalled();
    expect(check).toMatchObject({ sessions: [{ state: "valid" }] });
  });

  it("checks no session when no saved tunnel uses one", async () => {
    writeToken(2);
    const createToken = jest.fn();
    expect(await backgroundCheck(home.env, readSettings(), { createToken, now: () => NOW })).toEqual({
      ran: true,
      tunnels: 0,
      sessions: [],
    });
    expect(createToken).not.toHaveBeenCalled();
  });

  it("says in the subtitle when a session needs a sign-in", async () => {
    await useTunnel(); // no token file at all: signed out
    const check = await backgroundCheck(home.env, readSettings(), { now: () => NOW });
    expect(check).toMatchObject({ sessions: [{ state: "signed-out" }] });
    expect(backgroundSubtitle(check)).toBe("1 SSO session needs sign-in");
  });

  it("in the background the entry point updates its subtitle and nudges the menu bar, and says nothing", async () => {
    environment.launchType = LaunchType.Background;
    await useTunnel();
    await withProcessEnv(home.env, () => RefreshTokens());
    expect(recorded.metadata).toEqual([{ subtitle: "1 SSO session needs sign-in" }]);
    expect(recorded.launches).toEqual([{ name: "tunnel-status", type: "background" }]);
    expect(recorded.huds).toEqual([]);
    expect(recorded.toasts).toEqual([]);
    expect(await LocalStorage.getItem("ran.v1.refresh-tokens")).toBeTruthy(); // the first-run hint can go
  });

  it("run by hand it says what it did in a HUD", async () => {
    environment.launchType = LaunchType.UserInitiated;
    await useTunnel();
    await withProcessEnv(home.env, () => RefreshTokens());
    expect(recorded.huds).toEqual(["1 SSO session checked · 1 needs sign-in"]);
  });

  it("an expired token whose refresh meets an IAM Identity Center outage is retrying, not a sign-in", async () => {
    const emu = await startEmulator();
    try {
      emu.addFault({ service: "sso-oidc", operation: "CreateToken", status: 500, times: Infinity });
      await useTunnel();
      writeToken(-1);
      const check = await backgroundCheck(home.env, readSettings(), { now: () => NOW, endpoints: emu.endpoints });
      expect(emu.log.filter((e) => e.operation === "CreateToken" && e.fault).length).toBe(1);
      expect(check).toMatchObject({ sessions: [{ state: "expired", refreshPending: true }] });
      // Nothing the user can do: no "needs sign-in" in the subtitle or the HUD, and not "all valid" either.
      expect(backgroundSubtitle(check)).toBeNull();
      expect(handRunSummary(check)).toBe("1 SSO session checked · 1 refresh retrying");
    } finally {
      await emu.close();
    }
  });

  it("the HUD counts sessions checked, refreshed and needing a sign-in", () => {
    const session = (state: string, refreshed = false) => ({ state, refreshed }) as never;
    const check = {
      ran: true as const,
      tunnels: 2,
      sessions: [session("valid", true), session("valid"), session("expired")],
    };
    expect(handRunSummary(check)).toBe("3 SSO sessions checked · 1 refreshed · 1 needs sign-in");
    const retrying = { ...(session("expired") as object), refreshPending: true } as never;
    expect(handRunSummary({ ...check, sessions: [retrying, retrying, session("signed-out")] })).toBe(
      "3 SSO sessions checked · 1 needs sign-in · 2 refreshes retrying",
    );
    expect(handRunSummary({ ...check, sessions: [session("valid")] })).toBe("1 SSO session checked · all valid");
    expect(handRunSummary({ ...check, sessions: [] })).toBe("No saved tunnel uses an SSO session: nothing to refresh");
    expect(handRunSummary({ ran: false, reason: "auto-refresh off" })).toMatch(/refresh is off/);
    expect(handRunSummary({ ...check, sessions: [session("valid")] }, { note: "Keychain copy paused" })).toBe(
      "1 SSO session checked · all valid · Keychain copy paused",
    );
  });
});
