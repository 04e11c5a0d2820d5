// Legacy SSO profiles (sso_start_url & co. in the profile, no [sso-session]) refresh silently once StormTunnel signed
// them in, while the AWS CLI keeps using the same token file; a later `aws sso login` (no refresh token) is seen
// for what it is. Against the emulator, which issues refresh tokens only to clients registered with scopes.
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { registrationCacheFile, sha1Hex, loadAwsConfig } from "../../src/lib/aws";
import { DEFAULT_SETTINGS } from "../../src/lib/settings";
import { login, type LoginOptions } from "../../src/lib/sso/login";
import { NO_REFRESH_TOKEN } from "../../src/lib/sso/refresh-policy";
import { RefreshRunner } from "../../src/lib/sso/refresh-runner";
import { tokenStatusForProfiles, TokenReadCache } from "../../src/lib/sso/session-status";
import { readToken, type CachedToken } from "../../src/lib/sso/token-cache";
import { testTool } from "../support/test-tools";
import { botocoreProbe, groupOf, START_URL, useEmulatorHome } from "./helpers";

jest.setTimeout(60_000);

const MIN = 60_000;
const w = useEmulatorHome({ autoApprove: true });

const botocore = (action: string) => botocoreProbe(w.home, w.emu, "legacy", action);

/** The AWS CLI (v1 on this machine) with the token on disk: SSO role credentials, then STS GetCallerIdentity. */
async function awsCli(): Promise<string> {
  const aws = testTool("aws");
  const env = { ...w.home.env, ...w.emu.env(), ...aws.env, AWS_EC2_METADATA_DISABLED: "true" } as NodeJS.ProcessEnv;
  const args = [
    "sts",
    "get-caller-identity",
    "--profile",
    "legacy",
    "--region",
    "us-east-1",
    "--query",
    "Arn",
    "--output",
    "text",
  ];
  const { stdout } = await promisify(execFile)(aws.command, args, { env, timeout: 30_000 });
  return stdout.trim();
}
const SSO_ROLE_ARN = /^arn:aws:sts::111122223333:assumed-role\/AWSReservedSSO_Developer_[0-9a-f]{16}\//;

function signIn(method: LoginOptions["method"]) {
  return groupOf(w.home, "legacy").then(({ group }) =>
    login(group, {
      env: w.home.env,
      method,
      endpoints: w.emu.endpoints,
      openBrowser: follow,
      now: () => w.emu.clock.now(),
    }),
  );
}

async function onDisk(): Promise<{ token: CachedToken; refreshable: boolean }> {
  const { group } = await groupOf(w.home, "legacy");
  const read = await readToken(group.tokenCacheFile);
  if (read.state !== "ok") throw new Error(`token ${read.state}`);
  return read;
}

async function legacyStatus() {
  const config = await loadAwsConfig({ env: w.home.env });
  const all = await tokenStatusForProfiles(
    config,
    w.home.env,
    w.emu.clock.now(),
    DEFAULT_SETTINGS,
    new TokenReadCache(),
  );
  return all.find((s) => s.profile === "legacy")!;
}

/** The CLI's own registration file for a legacy profile ("scopes": null, "session_name": null; §4.5). */
const cliLegacyRegistration = () =>
  registrationCacheFile(w.home.dir, { startUrl: START_URL, region: "us-east-1", scopes: null, sessionName: null });

test.each(["pkce", "device-code"] as const)(
  "a %s sign-in registers with sso:account:access and writes the token where the CLI looks for legacy tokens",
  async (method) => {
    await signIn(method);
    const { group } = await groupOf(w.home, "legacy");
    expect(group.tokenCacheFile).toBe(join(w.home.cacheDir, `${sha1Hex(START_URL)}.json`));
    const { token, refreshable } = await onDisk();
    expect(refreshable).toBe(true);
    expect(token).toMatchObject({
      startUrl: START_URL,
      region: "us-east-1",
      clientId: w.emu.oidc.clients()[0].clientId,
      refreshToken: expect.any(String),
      registrationExpiresAt: expect.stringMatching(/Z$/),
    });
    expect(w.emu.oidc.clients()).toEqual([
      expect.objectContaining({
        scopes: ["sso:account:access"],
        grantTypes: method === "pkce" ? ["authorization_code", "refresh_token"] : [],
      }),
    ]);
    expect(w.emu.oidc.createTokenCalls[method === "pkce" ? "authorization_code" : "device_code"]).toBe(1);
    // Our scoped client lives in a registration file of its own; the CLI's scope-less one is left to the CLI.
    expect(existsSync(group.registrationCacheFile)).toBe(true);
    expect(group.registrationCacheFile).not.toBe(cliLegacyRegistration());
    expect(existsSync(cliLegacyRegistration())).toBe(false);
  },
);

test("refreshes inside the threshold against the emulator; botocore and the AWS CLI use the token before and after", async () => {
  await signIn("device-code");
  const before = (await onDisk()).token;
  expect(await botocore("creds")).toMatchObject({ method: "sso", accessKeyId: expect.stringMatching(/^ASIA/) });
  expect(await awsCli()).toMatch(SSO_ROLE_ARN);

  // 4 minutes left: inside the 5-minute threshold.
  w.emu.clock.advance(56 * MIN);
  const runner = new RefreshRunner({
    env: w.home.env,
    endpoints: w.emu.endpoints,
    settings: DEFAULT_SETTINGS,
    now: () => w.emu.clock.now(),
  });
  expect(await runner.ensureFresh((await groupOf(w.home, "legacy")).group)).toMatchObject({
    state: "valid",
    refreshed: true,
  });
  expect(w.emu.oidc.createTokenCalls.refresh_token).toBe(1);
  const after = await onDisk();
  expect(after.token.accessToken).not.toBe(before.accessToken);
  expect(after.refreshable).toBe(true);
  expect(after.token.refreshToken).not.toBe(before.refreshToken); // rotated, and the new one kept
  expect((await legacyStatus()).silentRefresh).toBe("automatic");

  // Only the refreshed token works now, so what succeeds below read it from the file.
  expect(w.emu.oidc.revokeAccessToken(before.accessToken)).toBe(true);
  expect(w.emu.oidc.accessTokenValid(before.accessToken)).toBe(false);
  expect(await botocore("creds")).toMatchObject({ method: "sso" });
  expect(await awsCli()).toMatch(SSO_ROLE_ARN);
  expect(w.emu.log.filter((e) => e.operation === "GetRoleCredentials" && e.status === 200)).toHaveLength(4);
});

test("a later `aws sso login` (no refresh token) is detected and shown honestly; one sign-in makes it refresh again", async () => {
  await signIn("device-code");
  const ours = w.emu.oidc.clients()[0].clientId;

  expect(await botocore("legacy-cli-login")).toMatchObject({ written: true, refreshToken: false });
  const cli = await onDisk();
  expect(cli.refreshable).toBe(false);
  expect(cli.token.refreshToken).toBeUndefined();
  expect(cli.token.clientId).not.toBe(ours);
  expect(await legacyStatus()).toMatchObject({
    state: "valid",
    silentRefresh: "sign-in-to-enable",
    expiresAt: Date.parse(cli.token.expiresAt),
    tunnelUsable: true,
  });

  // Inside the threshold: no refresh is attempted, no sign-in badge, and the reason says what to do.
  w.emu.clock.advance(Date.parse(cli.token.expiresAt) - Date.now() - 4 * MIN);
  const runner = new RefreshRunner({
    env: w.home.env,
    endpoints: w.emu.endpoints,
    settings: DEFAULT_SETTINGS,
    now: () => w.emu.clock.now(),
  });
  const check = await runner.ensureFresh((await groupOf(w.home, "legacy")).group);
  expect(check).toMatchObject({ state: "expiring", reason: NO_REFRESH_TOKEN, tunnelUsable: true });
  expect(w.emu.oidc.createTokenCalls.refresh_token).toBe(0);
  expect(await legacyStatus()).toMatchObject({ state: "expiring", silentRefresh: "sign-in-to-enable" });

  // Signing in with StormTunnel again reuses our scoped client (never the CLI's) and the token refreshes once more.
  const cliRegistration = readFileSync(cliLegacyRegistration(), "utf8");
  await signIn("device-code");
  expect(w.emu.oidc.clients()).toHaveLength(2);
  const again = await onDisk();
  expect(again).toMatchObject({ refreshable: true, token: { clientId: ours } });
  expect(readFileSync(cliLegacyRegistration(), "utf8")).toBe(cliRegistration);
  expect((await legacyStatus()).silentRefresh).toBe("automatic");
  expect(await botocore("creds")).toMatchObject({ method: "sso" });
});

/** PKCE with auto-approve: the "browser" follows the redirect to our loopback listener. */
async function follow(url: string): Promise<void> {
  const location = (await fetch(url, { redirect: "manual" })).headers.get("location")!;
  await fetch(location);
}
