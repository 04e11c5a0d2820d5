// Endpoint overrides from ~/.aws/config alone (issue 9 item 5): a [services] section (and endpoint_url) reach every
// sign-in call — login, refresh, logout — with no AWS_ENDPOINT_URL* in the environment. Users with VPC endpoints,
// FIPS or a local stack configure them this way.
import { makeLoginCommand } from "../../src/cli/commands/login";
import { makeLogoutCommand } from "../../src/cli/commands/logout";
import { refreshCommand } from "../../src/cli/commands/refresh";
import type { CliIo } from "../../src/cli/io";
import { readToken } from "../../src/lib/sso/token-cache";
import { startEmulator, type Emulator } from "../emulator";
import { approveInBrowser, groupOf, makeTempHome, START_URL, writeAwsConfig, type TempHome } from "./helpers";

let emu: Emulator;
let home: TempHome;
beforeEach(async () => {
  emu = await startEmulator({ knobs: { autoApprove: true } });
  home = makeTempHome(); // no emulator variables: only the config file points at it
  for (const key of Object.keys(home.env)) expect(key.startsWith("AWS_ENDPOINT_URL")).toBe(false);
});
afterEach(async () => {
  await emu.close();
  home.cleanup();
});

function config(profileLines: string[]): string {
  return [
    "[sso-session corp]",
    `sso_start_url = ${START_URL}`,
    "sso_region = us-east-1",
    "sso_registration_scopes = sso:account:access",
    "",
    "[services emulated]",
    "sso_oidc =",
    `  endpoint_url = ${emu.endpoints.ssoOidc}`,
    "sso =",
    `  endpoint_url = ${emu.endpoints.sso}`,
    "",
    "[profile dev]",
    "sso_session = corp",
    "sso_account_id = 111122223333",
    "sso_role_name = Developer",
    ...profileLines,
    "",
  ].join("\n");
}

function io(): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    env: home.env,
    out,
    err,
    stdout: (l) => out.push(l),
    stderr: (l) => err.push(l),
    signal: new AbortController().signal,
  };
}

const served = (service: string, operation: string) =>
  emu.log.filter((e) => e.service === service && e.operation === operation && e.status < 400).length;

test("login, refresh and logout all go where [services] says", async () => {
  writeAwsConfig(home, config(["services = emulated"]));
  const login = io();
  expect(await makeLoginCommand({ openBrowser: approveInBrowser })(["dev"], login)).toBe(0);
  expect(login.out.at(-1)).toMatch(/^Signed in to SSO session corp/);
  // The browser was sent to the configured OIDC endpoint, and the token came from there.
  expect(emu.oidc.lastAuthorize?.url.startsWith(`${emu.endpoints.ssoOidc}/authorize?`)).toBe(true);
  expect(served("sso-oidc", "RegisterClient")).toBe(1);
  expect(served("sso-oidc", "CreateToken")).toBe(1);
  const { group } = await groupOf(home, "dev");
  const first = await readToken(group.tokenCacheFile);
  expect(first.state === "ok" && emu.oidc.accessTokenValid(first.token.accessToken)).toBe(true);

  const refresh = io();
  expect(await refreshCommand(["dev", "--force"], refresh)).toBe(0);
  expect(emu.oidc.createTokenCalls.refresh_token).toBe(1);
  expect(refresh.out[0]).toMatch(/refreshed/);

  const logout = io();
  expect(await makeLogoutCommand()(["dev"], logout)).toBe(0);
  expect(served("sso", "Logout")).toBe(1);
});

test("a profile's endpoint_url covers the services its [services] section does not name", async () => {
  // sso_oidc only through endpoint_url; sso (the portal, for logout) through the section.
  const text = config(["services = emulated", `endpoint_url = ${emu.endpoints.ssoOidc}`]).replace(
    /sso_oidc =\n {2}endpoint_url = \S+\n/,
    "",
  );
  writeAwsConfig(home, text);
  expect(text).not.toContain("sso_oidc =");
  expect(await makeLoginCommand({ openBrowser: approveInBrowser })(["dev"], io())).toBe(0);
  expect(served("sso-oidc", "CreateToken")).toBe(1);
  expect(await makeLogoutCommand()(["dev"], io())).toBe(0);
  expect(served("sso", "Logout")).toBe(1);
});

test("ignore_configured_endpoint_urls = true: the configured endpoints are not used", async () => {
  writeAwsConfig(home, config(["services = emulated", "ignore_configured_endpoint_urls = true"]));
  const opened: string[] = [];
  const c = io();
  const controller = new AbortController();
  // Offline this fails at RegisterClient; online it gets as far as the browser, where the test stops it.
  const openBrowser = async (url: string) => {
    opened.push(url);
    controller.abort();
  };
  expect(await makeLoginCommand({ openBrowser })(["dev"], { ...c, signal: controller.signal })).not.toBe(0);
  expect(emu.log).toEqual([]);
  if (opened.length) expect(opened[0].startsWith("https://oidc.us-east-1.amazonaws.com/authorize?")).toBe(true);
  else expect(c.err.join("\n")).toMatch(/oidc\.us-east-1\.amazonaws\.com/);
});
