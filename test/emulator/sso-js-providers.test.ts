// The JS SDK's own token and credential providers (what `fromIni`/`fromSSO` users run) against the emulator:
// fromSso refreshes a token file with ≤ 5 min left, fromSSO turns it into role credentials.
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fromSSO } from "@aws-sdk/credential-provider-sso";
import { fromSso } from "@aws-sdk/token-providers";
import { startEmulator, type Emulator } from "./index";

// Each test uses its own sso-session: the SDK throttles refreshes per session name for 30 s, process-wide.
let session = "";
let sessions = 0;
const config = () => `[sso-session ${session}]
sso_start_url = https://d-0000000000.awsapps.com/start
sso_region = us-east-1
sso_registration_scopes = sso:account:access

[profile dev]
sso_session = ${session}
sso_account_id = 111122223333
sso_role_name = Developer
`;

let emu: Emulator;
let home: string;
const savedEnv = { ...process.env };

beforeEach(async () => {
  emu = await startEmulator();
  home = mkdtempSync(join(tmpdir(), "stormtunnel-jsprov-"));
  mkdirSync(join(home, ".aws", "sso", "cache"), { recursive: true });
  session = `my-sso-${++sessions}`;
  writeFileSync(join(home, ".aws", "config"), config());
  // The providers read HOME and the endpoint variables from the environment: a temporary one, restored after.
  Object.assign(process.env, { HOME: home, AWS_CONFIG_FILE: join(home, ".aws", "config"), ...emu.env() });
  delete process.env.AWS_PROFILE;
});
afterEach(async () => {
  process.env = { ...savedEnv };
  await emu.close();
  rmSync(home, { recursive: true, force: true });
});

function writeToken(minutesLeft: number): { path: string; refreshToken?: string } {
  const seed = emu.oidc.seedLogin();
  const path = join(home, ".aws", "sso", "cache", `${createHash("sha1").update(session).digest("hex")}.json`);
  const file = {
    startUrl: "https://d-0000000000.awsapps.com/start",
    region: "us-east-1",
    accessToken: seed.accessToken,
    expiresAt: new Date(Date.now() + minutesLeft * 60_000).toISOString().replace(/\.\d+Z$/, "Z"),
    clientId: seed.clientId,
    clientSecret: seed.clientSecret,
    registrationExpiresAt: new Date(seed.registrationExpiresAt * 1000).toISOString(),
    refreshToken: seed.refreshToken,
    scopes: ["sso:account:access"],
  };
  writeFileSync(path, JSON.stringify(file), { mode: 0o600 });
  return { path, refreshToken: seed.refreshToken };
}

test("fromSso refreshes once through the emulator and rewrites the file, keeping unknown fields", async () => {
  const { path, refreshToken } = writeToken(2);
  const token = await fromSso({ profile: "dev", ignoreCache: true })();
  expect(emu.oidc.createTokenCalls.refresh_token).toBe(1);
  expect(emu.oidc.accessTokenValid(token.token)).toBe(true);
  const file = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
  expect(file.accessToken).toBe(token.token);
  expect(file.refreshToken).not.toBe(refreshToken);
  expect(file.scopes).toEqual(["sso:account:access"]);
  expect(Date.parse(file.expiresAt as string) - Date.now()).toBeGreaterThan(3500_000);
});

test("fromSso after the IdP session ended: invalid_grant, then 'Token is expired' once the token is", async () => {
  writeToken(-1);
  emu.oidc.endIdpSessions();
  await expect(fromSso({ profile: "dev", ignoreCache: true })()).rejects.toThrow(/Token is expired/);
  expect(emu.log.filter((e) => e.operation === "CreateToken").map((e) => e.errorType)).toEqual([
    "InvalidGrantException",
  ]);
});

test("fromSSO returns role credentials the SSM/EC2 emulator will accept", async () => {
  writeToken(60);
  const creds = await fromSSO({ profile: "dev", ignoreCache: true })();
  expect(emu.directory.credentials.get(creds.accessKeyId)).toMatchObject({
    accountId: "111122223333",
    roleName: "Developer",
    secretAccessKey: creds.secretAccessKey,
  });
  expect(creds.expiration!.getTime() - Date.now()).toBeGreaterThan(3500_000);
});
