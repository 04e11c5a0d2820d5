// The emulator driven by botocore (python3) and the AWS CLI, pointed at it only through AWS_ENDPOINT_URL_*, including
// botocore's own SSOTokenProvider (refresh), SSO credential provider (role credentials) and AssumeRoleProvider.
import { execFile, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { startEmulator, type Emulator } from "./index";
import { python, testTool } from "../support/test-tools";

const PY = join(__dirname, "py");
const CONFIG = `[sso-session my-sso]
sso_start_url = https://d-0000000000.awsapps.com/start
sso_region = us-east-1
sso_registration_scopes = sso:account:access

[profile dev]
sso_session = my-sso
sso_account_id = 111122223333
sso_role_name = Developer
region = us-east-1

[profile prod]
role_arn = arn:aws:iam::444455556666:role/TunnelOperator
source_profile = dev
role_session_name = chained-by-botocore
duration_seconds = 900
region = eu-west-1
`;

jest.setTimeout(60_000);

let emu: Emulator;
let home: string;

beforeEach(async () => {
  emu = await startEmulator();
  home = mkdtempSync(join(tmpdir(), "stormtunnel-botocore-"));
  mkdirSync(join(home, ".aws"));
  writeFileSync(join(home, ".aws", "config"), CONFIG);
});
afterEach(async () => {
  await emu.close();
  rmSync(home, { recursive: true, force: true });
});

type Line = Record<string, unknown>;

/** Only the environment a user would have, plus the emulator endpoints. */
function userEnv(): NodeJS.ProcessEnv {
  return {
    ...python().env,
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: home,
    AWS_CONFIG_FILE: join(home, ".aws", "config"),
    AWS_SHARED_CREDENTIALS_FILE: join(home, ".aws", "credentials"),
    AWS_EC2_METADATA_DISABLED: "true",
    PYTHONDONTWRITEBYTECODE: "1",
    ...emu.env(),
  };
}

/** Runs a script that prints one JSON object per line. */
function runPy(script: string, args: string[], onLine?: (line: Line) => void): Promise<Line[]> {
  const env = userEnv();
  return new Promise((resolve, reject) => {
    const child = spawn(python().command, [join(PY, script), ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
    const lines: Line[] = [];
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      let i;
      while ((i = out.indexOf("\n")) >= 0) {
        const line = JSON.parse(out.slice(0, i)) as Line;
        out = out.slice(i + 1);
        lines.push(line);
        onLine?.(line);
      }
    });
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(lines) : reject(new Error(`${script} exited ${code}: ${err}`))));
  });
}

const tokenFile = () => join(home, ".aws", "sso", "cache", "0ad374308c5a4e22f723adf10145eafad7c4031c.json");

test("device-code login: pending until the test approves, then a CLI-format token file", async () => {
  const lines = await runPy("device_login.py", ["my-sso"], (line) => {
    if (line.event === "pending") emu.oidc.approve(line.userCode as string);
  });
  expect(lines.at(-1)).toMatchObject({ event: "done", pendingPolls: 1, slowDowns: 0, refreshable: true });
  expect(lines.at(-1)!.file).toBe(tokenFile());
  const file = JSON.parse(readFileSync(tokenFile(), "utf8")) as Record<string, string>;
  expect(emu.oidc.accessTokenValid(file.accessToken)).toBe(true);
  expect(emu.oidc.createTokenCalls.device_code).toBe(2);
});

test("PKCE login, then botocore's SSOTokenProvider refreshes exactly once when < 15 min remain", async () => {
  emu.knobs.autoApprove = true;
  emu.knobs.accessTokenTtlSeconds = 600;
  const [done] = await runPy("pkce_login.py", ["my-sso"]);
  expect(done).toMatchObject({ event: "done", authorizeUrl: `${emu.endpoints.ssoOidc}/authorize`, refreshable: true });
  expect(emu.oidc.lastAuthorize?.params).toMatchObject({ code_challenge_method: "S256", scopes: "sso:account:access" });

  emu.knobs.accessTokenTtlSeconds = 3600;
  emu.oidc.resetCounts();
  const [refreshed] = await runPy("token_refresh.py", ["dev", tokenFile()]);
  expect(refreshed).toMatchObject({ changed: true, fileMatches: true, refreshTokenChanged: true });
  expect(emu.oidc.createTokenCalls.refresh_token).toBe(1);
  expect(Date.parse(refreshed.expiresAtAfter as string) - Date.now()).toBeGreaterThan(3000_000);

  // A refused refresh (invalid_grant) leaves botocore on the old, still valid token: make the file say 10 min left.
  const file = JSON.parse(readFileSync(tokenFile(), "utf8")) as Record<string, string>;
  writeFileSync(tokenFile(), JSON.stringify({ ...file, expiresAt: new Date(Date.now() + 600_000).toISOString() }));
  emu.oidc.revokeRefreshTokens();
  emu.oidc.resetCounts();
  const [refused] = await runPy("token_refresh.py", ["dev", tokenFile()]);
  expect(refused).toMatchObject({ changed: false, fileMatches: true });
  expect(emu.oidc.createTokenCalls.refresh_token).toBe(1);
  expect(emu.log.at(-1)).toMatchObject({ operation: "CreateToken", errorType: "InvalidGrantException" });
});

test("botocore's SSO credential provider gets role credentials; listing; Logout makes the portal answer 401", async () => {
  emu.knobs.autoApprove = true;
  await runPy("pkce_login.py", ["my-sso"]);
  const [result] = await runPy("role_credentials.py", ["dev", tokenFile()]);
  expect(result).toMatchObject({
    method: "sso",
    accounts: ["111122223333", "444455556666"],
    roles: ["Developer", "ReadOnly"],
    afterLogout: { class: "UnauthorizedException", status: 401 },
  });
  expect(emu.directory.credentials.get(result.accessKeyId as string)).toMatchObject({ roleName: "Developer" });
});

test("every error class arrives as the right botocore exception", async () => {
  const [errors] = await runPy("errors.py", [
    "invalid_client",
    "authorization_pending",
    "slow_down",
    "access_denied",
    "invalid_grant",
    "invalid_request",
    "unsupported_grant_type",
    "invalid_scope",
    "invalid_redirect_uri",
    "unauthorized",
  ]);
  expect(errors).toEqual({
    invalid_client: {
      class: "InvalidClientException",
      code: "InvalidClientException",
      status: 401,
      error: "invalid_client",
    },
    authorization_pending: expect.objectContaining({ class: "AuthorizationPendingException", status: 400 }),
    slow_down: expect.objectContaining({ class: "SlowDownException", error: "slow_down" }),
    access_denied: expect.objectContaining({ class: "AccessDeniedException", error: "access_denied" }),
    invalid_grant: expect.objectContaining({ class: "InvalidGrantException", error: "invalid_grant" }),
    invalid_request: expect.objectContaining({ class: "InvalidRequestException", error: "invalid_request" }),
    unsupported_grant_type: expect.objectContaining({ class: "UnsupportedGrantTypeException" }),
    invalid_scope: expect.objectContaining({ class: "InvalidScopeException" }),
    invalid_redirect_uri: expect.objectContaining({ class: "InvalidRedirectUriException" }),
    unauthorized: expect.objectContaining({ class: "UnauthorizedException", status: 401 }),
  });

  emu.knobs.deviceCodeTtlSeconds = 0;
  emu.addFault({
    service: "sso",
    operation: "GetRoleCredentials",
    times: 1,
    status: 429,
    errorType: "TooManyRequestsException",
  });
  emu.addFault({ service: "sso-oidc", operation: "RegisterClient", times: 1, status: 500 });
  const [more] = await runPy("errors.py", ["too_many_requests", "internal_server", "expired_token"]);
  expect(more).toEqual({
    too_many_requests: expect.objectContaining({ class: "TooManyRequestsException", status: 429 }),
    internal_server: expect.objectContaining({ class: "InternalServerException", status: 500 }),
    expired_token: expect.objectContaining({ class: "ExpiredTokenException", error: "expired_token" }),
  });
  expect(existsSync(join(PY, "__pycache__"))).toBe(false);
});

test("role chaining: botocore's AssumeRoleProvider and the AWS CLI assume a role from the SSO profile's credentials", async () => {
  await runPy("device_login.py", ["my-sso"], (line) => {
    if (line.event === "pending") emu.oidc.approve(line.userCode as string);
  });
  const [chained] = await runPy("assume_role_chain.py", ["prod"]);
  expect(chained).toMatchObject({
    method: "assume-role",
    account: "444455556666",
    arn: "arn:aws:sts::444455556666:assumed-role/TunnelOperator/chained-by-botocore",
  });
  expect(emu.directory.credentials.get(chained.accessKeyId as string)).toMatchObject({ roleName: "TunnelOperator" });
  // role_session_name, duration_seconds and the profile's region, as botocore honours them.
  const byBotocore = emu.sts.assumed.length;
  expect(byBotocore).toBeGreaterThan(0);
  for (const a of emu.sts.assumed) {
    expect(a).toMatchObject({ roleSessionName: "chained-by-botocore", durationSeconds: 900, region: "eu-west-1" });
  }

  // The AWS CLI (v1 here) resolves the same chain on its own.
  const aws = testTool("aws");
  const { stdout } = await promisify(execFile)(
    aws.command,
    ["sts", "get-caller-identity", "--profile", "prod", "--query", "Arn", "--output", "text"],
    { env: { ...userEnv(), ...aws.env }, timeout: 30_000 },
  );
  expect(stdout.trim()).toBe("arn:aws:sts::444455556666:assumed-role/TunnelOperator/chained-by-botocore");
  expect(emu.sts.assumed.length).toBeGreaterThan(byBotocore);
});
