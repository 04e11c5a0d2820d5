import { resetRaycast, setPreferences } from "../raycast/api";
import { backgroundCheck } from "../../src/commands/refresh/background-check";
import { readSettings } from "../../src/commands/settings";
import RefreshTokens from "../../src/refresh-tokens";
import { makeHome, withProcessEnv, type TestHome } from "./fixtures";

let home: TestHome;
beforeEach(() => {
  resetRaycast();
  home = makeHome();
});
afterEach(() => home.cleanup());

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

  it("returns at once when auto-refresh is off", async () => {
    setPreferences({ autoRefresh: false });
    expect(await backgroundCheck(home.env, readSettings())).toEqual({ ran: false, reason: "auto-refresh off" });
  });

  it("runs when auto-refresh is on", async () => {
    expect(await backgroundCheck(home.env, readSettings())).toEqual({ ran: true, tunnels: 0 });
  });

  it("the entry point resolves (Raycast unloads a no-view command when its promise settles)", async () => {
    await withProcessEnv(home.env, () => RefreshTokens());
  });
});
