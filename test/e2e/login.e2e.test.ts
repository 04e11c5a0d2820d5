// The "first connect opens the browser" promise, with the device-code flow so the test can play the user: the state
// file carries the URL and code for the UI, approving connects, and a denied sign-in never opens a second one.
import { readState } from "../../src/lib/tunnels/state";
import { waitFor } from "../tunnels/helpers";
import { createWorld, type World } from "./harness";

describe("sign-in on first connect", () => {
  let w: World;
  beforeEach(async () => {
    // BROWSER=true: the "browser" opens nothing; the test approves or denies like the user would.
    w = await createWorld({}, { STORMTUNNEL_LOGIN_METHOD: "device-code", BROWSER: "true" });
  });
  afterEach(() => w?.close());

  async function promptedCode(id: string): Promise<string> {
    const state = await waitFor(() => {
      const s = readState(w.env, id);
      return s?.status === "authenticating" && s.login?.userCode ? s : undefined;
    });
    expect(state.login?.url).toContain(w.emu.endpoints.device);
    return state.login!.userCode!;
  }

  test("no token: the worker starts the sign-in, shows the code, and connects once it is approved", async () => {
    const def = await w.define();
    await w.start(def);
    const code = await promptedCode(def.id);
    w.emu.oidc.approve(code);
    const state = await w.waitStatus(def.id, "connected", 30_000);
    expect(state.login).toBeUndefined();
  }, 60_000);

  test("a denied sign-in leaves the tunnel in auth-required and never starts a second one", async () => {
    const def = await w.define();
    await w.start(def);
    w.emu.oidc.deny(await promptedCode(def.id));
    const state = await w.waitStatus(def.id, "auth-required", 30_000);
    expect(state.lastError).toBeTruthy();
    await new Promise((r) => setTimeout(r, 2000));
    const starts = w.emu.log.filter((e) => e.operation === "StartDeviceAuthorization");
    expect(starts).toHaveLength(1);
    expect(w.emu.oidc.pending()).toHaveLength(0);
    expect(readState(w.env, def.id)?.status).toBe("auth-required");
    // A sign-in done elsewhere (CLI, Raycast, aws sso login) still brings it up by itself.
    await w.seedToken();
    await w.waitStatus(def.id, "connected", 30_000);
  }, 60_000);
});
