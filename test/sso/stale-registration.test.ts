// A client registration Identity Center no longer knows (revoked, expired early, instance recreated) must not block
// sign-in (issue 9 item 6): the cached one is dropped and replaced once, transparently; only a refusal of a
// registration made moments ago is reported, naming the cause.
import { startEmulator, type Emulator } from "../emulator";
import { login, type LoginOptions } from "../../src/lib/sso/login";
import { RefreshRunner } from "../../src/lib/sso/refresh-runner";
import { readRegistration } from "../../src/lib/sso/registration-cache";
import { DEFAULT_SETTINGS } from "../../src/lib/settings";
import { readToken } from "../../src/lib/sso/token-cache";
import { approveInBrowser, groupOf, makeTempHome, writeAwsConfig, type TempHome } from "./helpers";

let emu: Emulator;
let home: TempHome;
beforeEach(async () => {
  emu = await startEmulator({ knobs: { autoApprove: true } });
  home = makeTempHome();
  writeAwsConfig(home);
});
afterEach(async () => {
  await emu.close();
  home.cleanup();
});

const calls = (operation: string) => emu.log.filter((e) => e.service === "sso-oidc" && e.operation === operation);

/** The user's browser with auto-approve on: authorize → 302 → the loopback callback; records every page opened. */
function browser(opened: string[]) {
  return async (url: string) => {
    opened.push(url);
    await approveInBrowser(url);
  };
}

function deviceOpts(): LoginOptions {
  return {
    env: home.env,
    method: "device-code",
    endpoints: emu.endpoints,
    now: () => emu.clock.now(),
    sleep: async (ms) => void emu.clock.advance(ms),
    openBrowser: async () => undefined,
  };
}

test("device code: a forgotten client is replaced once, without the user noticing", async () => {
  const { group } = await groupOf(home, "dev");
  await login(group, deviceOpts());
  const first = await readRegistration(group.registrationCacheFile);
  expect(emu.oidc.forgetClients()).toBe(1);

  const token = await login(group, deviceOpts());
  expect(emu.oidc.accessTokenValid(token.accessToken)).toBe(true);
  expect(calls("RegisterClient")).toHaveLength(2);
  // The fault happened: the cached client was refused once, then the new one was used.
  expect(calls("StartDeviceAuthorization").map((e) => e.errorType ?? "ok")).toEqual([
    "ok",
    expect.stringMatching(/^InvalidClientException/),
    "ok",
  ]);
  const now = await readRegistration(group.registrationCacheFile);
  expect(now?.clientId).not.toBe(first?.clientId);
  expect(emu.oidc.clients().map((c) => c.clientId)).toEqual([now?.clientId]);
  const read = await readToken(group.tokenCacheFile);
  expect(read.state === "ok" && read.token.clientId).toBe(now?.clientId);
});

test("PKCE: a forgotten client is found before the browser opens, so the one tab opened works", async () => {
  const { group } = await groupOf(home, "dev");
  const opened: string[] = [];
  const opts: LoginOptions = { env: home.env, method: "pkce", endpoints: emu.endpoints, openBrowser: browser(opened) };
  await login(group, opts);
  emu.oidc.forgetClients();

  const token = await login(group, opts);
  expect(emu.oidc.accessTokenValid(token.accessToken)).toBe(true);
  expect(opened).toHaveLength(2); // one per login: no tab on the error page of the forgotten client
  const fresh = await readRegistration(group.registrationCacheFile);
  expect(new URL(opened[1]).searchParams.get("client_id")).toBe(fresh?.clientId);
  expect(calls("RegisterClient")).toHaveLength(2);
  const authorizePages = calls("Authorize").filter((e) => e.method === "GET" && e.status !== 302);
  expect(authorizePages).toEqual([]); // never an error page
});

test("PKCE: a cached client Identity Center still knows is reused, one check and no new registration", async () => {
  const { group } = await groupOf(home, "dev");
  const opened: string[] = [];
  const opts: LoginOptions = { env: home.env, method: "pkce", endpoints: emu.endpoints, openBrowser: browser(opened) };
  await login(group, opts);
  await login(group, opts);
  expect(calls("RegisterClient")).toHaveLength(1);
  expect(new URL(opened[1]).searchParams.get("client_id")).toBe(new URL(opened[0]).searchParams.get("client_id"));
});

test("a refresh refused with InvalidClientException drops the cached client; the next sign-in registers anew", async () => {
  const { group } = await groupOf(home, "dev");
  await login(group, deviceOpts());
  const old = await readRegistration(group.registrationCacheFile);
  emu.oidc.forgetClients();
  emu.clock.advance(58 * 60_000);
  const runner = new RefreshRunner({
    env: home.env,
    settings: DEFAULT_SETTINGS,
    endpoints: emu.endpoints,
    now: () => emu.clock.now(),
  });
  const check = await runner.ensureFresh(group);
  expect(emu.oidc.createTokenCalls.refresh_token).toBe(1);
  expect(check.state).toBe("auth-required");
  expect(check.reason).toMatch(/no longer accepts the client registration.*InvalidClientException/);
  expect(check.reason).toMatch(/registers a new client for you/);
  expect(await readRegistration(group.registrationCacheFile)).toBeUndefined();

  await login(group, deviceOpts());
  expect(calls("RegisterClient")).toHaveLength(2);
  expect(calls("StartDeviceAuthorization").every((e) => !e.errorType)).toBe(true); // no second refusal
  expect((await readRegistration(group.registrationCacheFile))?.clientId).not.toBe(old?.clientId);
});

test("a client refused even right after registering it: one replacement, then an error naming the cause", async () => {
  const { group } = await groupOf(home, "dev");
  await login(group, deviceOpts());
  const refuse = { service: "sso-oidc", operation: "StartDeviceAuthorization", status: 401 } as const;
  emu.addFault({ ...refuse, errorType: "InvalidClientException", times: 2 });
  const err = await login(group, deviceOpts()).catch((e: unknown) => e);
  expect(err).toMatchObject({ kind: "config", code: "InvalidClientException" });
  expect((err as Error).message).toMatch(/refused StormTunnel's client registration .* even one made just now/);
  expect((err as Error).message).toMatch(/sso_region = us-east-1/);
  expect((err as Error).message).not.toMatch(/Sign in again/);
  expect(calls("RegisterClient")).toHaveLength(2); // the first login's, and exactly one replacement
  expect(calls("StartDeviceAuthorization").filter((e) => e.fault)).toHaveLength(2);
});
