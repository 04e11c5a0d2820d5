// Device-code login against the emulator through the real SDK client: approval, polling rules and each failure.
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { startEmulator, type Emulator } from "../emulator";
import { SsoError } from "../../src/lib/sso/errors";
import { login, type LoginOptions } from "../../src/lib/sso/login";
import { readLoginProgress, type LoginProgress } from "../../src/lib/sso/login/state";
import { registrationFileFor } from "../../src/lib/sso/registration-cache";
import { readToken } from "../../src/lib/sso/token-cache";
import { groupOf, makeTempHome, writeAwsConfig, type TempHome } from "./helpers";

let emu: Emulator;
let home: TempHome;
let sleeps: number[];
let opened: string[];

beforeEach(async () => {
  emu = await startEmulator();
  home = makeTempHome();
  writeAwsConfig(home);
  sleeps = [];
  opened = [];
});
afterEach(async () => {
  await emu.close();
  home.cleanup();
});

/** Polling sleeps advance the emulator clock instead of waiting, so interval rules are checked without delay. */
function opts(extra: Partial<LoginOptions> = {}): LoginOptions {
  return {
    env: home.env,
    method: "device-code",
    endpoints: emu.endpoints,
    now: () => emu.clock.now(),
    sleep: async (ms) => {
      sleeps.push(ms);
      emu.clock.advance(ms);
    },
    openBrowser: async (url) => {
      opened.push(url);
    },
    ...extra,
  };
}

function onWaiting(fn: (p: LoginProgress) => void): (p: LoginProgress) => void {
  let done = false;
  return (p) => {
    if (p.status === "waiting-for-device-code" && !done) {
      done = true;
      fn(p);
    }
  };
}

it("logs in at once when already approved, writing the token and the CLI registration file", async () => {
  emu.knobs.autoApprove = true;
  const { group } = await groupOf(home, "dev");
  const token = await login(group, opts());
  expect(emu.oidc.createTokenCalls.device_code).toBe(1);
  expect(opened).toEqual([]);
  expect(sleeps).toEqual([]);
  const read = await readToken(group.tokenCacheFile);
  expect(read.state).toBe("ok");
  if (read.state !== "ok") return;
  expect(read.refreshable).toBe(true);
  expect(read.token).toMatchObject({
    startUrl: group.startUrl,
    region: "us-east-1",
    accessToken: token.accessToken,
    clientId: expect.any(String),
    clientSecret: expect.any(String),
    refreshToken: expect.any(String),
  });
  expect(read.token.expiresAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  expect(statSync(group.tokenCacheFile).mode & 0o777).toBe(0o600);
  expect(statSync(home.cacheDir).mode & 0o777).toBe(0o700);
  const reg = JSON.parse(readFileSync(registrationFileFor(home.dir, group), "utf8"));
  expect(reg).toEqual({
    clientId: read.token.clientId,
    clientSecret: expect.any(String),
    expiresAt: expect.stringMatching(/Z$/),
    scopes: ["sso:account:access"],
  });
  expect(emu.oidc.clients()[0]).toMatchObject({ clientName: "botocore-client-corp", grantTypes: [] });
  expect((await readLoginProgress(home.env, group))?.status).toBe("succeeded");
});

it("shows the code, opens the verification page, polls at the interval until approved", async () => {
  const { group } = await groupOf(home, "dev");
  const progress: LoginProgress[] = [];
  let polls = 0;
  const token = await login(
    group,
    opts({
      onProgress: (p) => {
        progress.push(p);
        if (p.status === "waiting-for-device-code") polls = emu.oidc.createTokenCalls.device_code;
      },
      sleep: async (ms) => {
        sleeps.push(ms);
        emu.clock.advance(ms);
        if (sleeps.length === 2) emu.oidc.approve(progress.find((p) => p.userCode)!.userCode!);
      },
    }),
  );
  expect(polls).toBe(1);
  const waiting = progress.find((p) => p.status === "waiting-for-device-code")!;
  expect(waiting.userCode).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
  expect(waiting.verificationUri).toBe(`${emu.endpoints.device}/`);
  expect(opened).toEqual([waiting.verificationUriComplete]);
  expect(sleeps).toEqual([1000, 1000]);
  expect(emu.oidc.accessTokenValid(token.accessToken)).toBe(true);
});

it("adds 5 s to the interval after slow_down", async () => {
  const { group } = await groupOf(home, "dev");
  emu.addFault({
    service: "sso-oidc",
    operation: "CreateToken",
    times: 1,
    status: 400,
    errorType: "SlowDownException",
    body: JSON.stringify({ error: "slow_down", error_description: "slow down" }),
  });
  let approvedCode = "";
  await login(
    group,
    opts({
      onProgress: onWaiting((p) => (approvedCode = p.userCode!)),
      sleep: async (ms) => {
        sleeps.push(ms);
        emu.clock.advance(ms);
        if (sleeps.length === 2) emu.oidc.approve(approvedCode);
      },
    }),
  );
  expect(sleeps).toEqual([6000, 6000]);
});

it("keeps polling through a transient server error", async () => {
  const { group } = await groupOf(home, "dev");
  let code = "";
  await login(
    group,
    opts({
      onProgress: onWaiting((p) => {
        code = p.userCode!;
        emu.addFault({
          service: "sso-oidc",
          operation: "CreateToken",
          times: 1,
          status: 500,
          errorType: "InternalServerException",
        });
      }),
      sleep: async (ms) => {
        sleeps.push(ms);
        emu.clock.advance(ms);
        if (sleeps.length === 2) emu.oidc.approve(code);
      },
    }),
  );
  expect(sleeps).toEqual([1000, 1000]);
  expect(emu.log.filter((e) => e.operation === "CreateToken").map((e) => e.status)).toEqual([400, 500, 200]);
});

it("stops with a clear message when the code expires (expired_token)", async () => {
  const { group } = await groupOf(home, "dev");
  const err = await login(
    group,
    opts({ onProgress: onWaiting(() => emu.clock.advance(emu.knobs.deviceCodeTtlSeconds * 1000 - 500)) }),
  ).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(SsoError);
  expect(err).toMatchObject({ kind: "auth-required", code: "ExpiredTokenException" });
  expect((err as Error).message).toContain("expired before it was approved");
  expect(existsSync(group.tokenCacheFile)).toBe(false);
  expect(await readLoginProgress(home.env, group)).toMatchObject({ status: "failed", errorKind: "auth-required" });
});

it("stops when the user denies access (access_denied)", async () => {
  const { group } = await groupOf(home, "dev");
  const err = await login(group, opts({ onProgress: onWaiting((p) => emu.oidc.deny(p.userCode!)) })).catch((e) => e);
  expect(err).toMatchObject({ kind: "auth-required", code: "access_denied" });
  expect((err as Error).message).toContain("denied in the browser");
});

it("signs legacy profiles in with sso:account:access, so their token comes with a refresh token", async () => {
  emu.knobs.autoApprove = true;
  const { group } = await groupOf(home, "legacy");
  await login(group, opts());
  expect(emu.oidc.createTokenCalls.device_code).toBe(1);
  expect(emu.oidc.clients()[0]).toMatchObject({
    clientName: expect.stringMatching(/^botocore-client-\d+$/),
    scopes: ["sso:account:access"],
  });
  const read = await readToken(group.tokenCacheFile);
  expect(read.state === "ok" && read.token.startUrl).toBe(group.startUrl);
  expect(read.state === "ok" && read.refreshable).toBe(true);
});

it("reuses a cached registration, but never a PKCE one", async () => {
  emu.knobs.autoApprove = true;
  const { group } = await groupOf(home, "dev");
  await login(group, opts());
  await login(group, opts());
  expect(emu.oidc.clients()).toHaveLength(1);
  // A PKCE registration at the same key (the CLI's file) must not be used for the device flow.
  const file = registrationFileFor(home.dir, group);
  const reg = JSON.parse(readFileSync(file, "utf8"));
  writeFileSync(file, JSON.stringify({ ...reg, grantTypes: ["authorization_code", "refresh_token"] }));
  await login(group, opts());
  expect(emu.oidc.clients()).toHaveLength(2);
  expect(JSON.parse(readFileSync(file, "utf8")).grantTypes).toBeUndefined();
});

it("re-registers when the cached registration expires within 15 minutes", async () => {
  emu.knobs.autoApprove = true;
  const { group } = await groupOf(home, "dev");
  await login(group, opts());
  emu.clock.advance(emu.knobs.registrationTtlSeconds * 1000 - 14 * 60_000);
  await login(group, opts());
  expect(emu.oidc.clients()).toHaveLength(2);
});

it("without sso_registration_scopes still registers sso:account:access, so the token refreshes", async () => {
  emu.knobs.autoApprove = true;
  const { group } = await groupOf(home, "plain");
  // A scope-less registration the CLI's device flow left in the shared file is not reused: it gives no refresh token.
  const file = registrationFileFor(home.dir, group);
  mkdirSync(home.cacheDir, { recursive: true });
  const cliClient = emu.oidc.seedLogin({ scopes: [] });
  const expiresAt = new Date(cliClient.registrationExpiresAt * 1000).toISOString();
  writeFileSync(
    file,
    JSON.stringify({ clientId: cliClient.clientId, clientSecret: cliClient.clientSecret, expiresAt }),
  );
  await login(group, opts());
  const read = await readToken(group.tokenCacheFile);
  expect(read.state === "ok" && read.refreshable).toBe(true);
  expect(read.state === "ok" && read.token.clientId).not.toBe(cliClient.clientId);
  expect(emu.oidc.clients().at(-1)?.scopes).toEqual(["sso:account:access"]);
  expect(JSON.parse(readFileSync(file, "utf8")).scopes).toEqual(["sso:account:access"]);
});

it("keeps going with the code on screen when the browser cannot be opened", async () => {
  const { group } = await groupOf(home, "dev");
  const seen: LoginProgress[] = [];
  await login(
    group,
    opts({
      openBrowser: async () => {
        throw new Error("xdg-open: ENOENT");
      },
      onProgress: (p) => {
        seen.push(p);
        if (p.browserError && !seen.some((s) => s !== p && s.browserError)) emu.oidc.approve(p.userCode!);
      },
    }),
  );
  const withError = seen.find((p) => p.browserError)!;
  expect(withError.browserError).toBe(
    `Could not open a browser (xdg-open: ENOENT). Go to ${withError.verificationUri} and enter the code ${withError.userCode}.`,
  );
});

it("does not open a browser with noBrowser", async () => {
  const { group } = await groupOf(home, "dev");
  await login(group, opts({ noBrowser: true, onProgress: onWaiting((p) => emu.oidc.approve(p.userCode!)) }));
  expect(opened).toEqual([]);
});

it("can be cancelled while waiting", async () => {
  const { group } = await groupOf(home, "dev");
  const ac = new AbortController();
  const err = await login(group, opts({ signal: ac.signal, onProgress: onWaiting(() => ac.abort()) })).catch((e) => e);
  expect(err).toMatchObject({ kind: "cancelled" });
  expect((await readLoginProgress(home.env, group))?.status).toBe("cancelled");
});

it("says the OIDC endpoint is unreachable, naming it and the region", async () => {
  const { group } = await groupOf(home, "dev");
  const closed = await startEmulator();
  const url = closed.endpoints.ssoOidc;
  await closed.close();
  const err = await login(group, opts({ endpoints: { ssoOidc: url, sso: url } })).catch((e) => e);
  expect(err).toMatchObject({ kind: "transient", code: "ECONNREFUSED" });
  expect((err as Error).message).toBe(
    `Cannot reach IAM Identity Center at ${url} (ECONNREFUSED). Check your network or VPN, and that sso_region = us-east-1 is the region of ${group.startUrl}.`,
  );
});

it("explains a rejected registration", async () => {
  const { group } = await groupOf(home, "dev");
  emu.addFault({
    service: "sso-oidc",
    operation: "RegisterClient",
    times: 1,
    status: 400,
    errorType: "InvalidClientMetadataException",
    body: JSON.stringify({ error: "invalid_client_metadata", error_description: "Invalid client metadata" }),
  });
  const err = await login(group, opts()).catch((e) => e);
  expect(err).toMatchObject({ kind: "config", code: "InvalidClientMetadataException" });
  expect((err as Error).message).toContain("rejected StormTunnel's client registration");
  expect((err as Error).message).toContain("[sso-session corp]");
});

it("explains a start URL the service refuses", async () => {
  const { group } = await groupOf(home, "dev");
  emu.addFault({
    service: "sso-oidc",
    operation: "StartDeviceAuthorization",
    times: 1,
    status: 400,
    errorType: "InvalidRequestException",
    body: JSON.stringify({ error: "invalid_request", error_description: "Invalid start URL" }),
  });
  const err = await login(group, opts()).catch((e) => e);
  expect(err).toMatchObject({ kind: "config" });
  expect((err as Error).message).toContain(`does not accept the start URL ${group.startUrl}`);
});

it("replaces a corrupt cache file and creates a missing cache directory 0700", async () => {
  emu.knobs.autoApprove = true;
  const { group } = await groupOf(home, "dev");
  expect(existsSync(home.cacheDir)).toBe(false);
  await login(group, opts());
  expect(statSync(home.cacheDir).mode & 0o777).toBe(0o700);
  writeFileSync(group.tokenCacheFile, '{"accessToken": ');
  expect(await readToken(group.tokenCacheFile)).toMatchObject({ state: "corrupt" });
  await login(group, opts());
  expect((await readToken(group.tokenCacheFile)).state).toBe("ok");
});

it("writes no secret into the progress file", async () => {
  emu.knobs.autoApprove = true;
  const { group } = await groupOf(home, "dev");
  const token = await login(group, opts());
  mkdirSync(home.cacheDir, { recursive: true });
  const progress = JSON.stringify(await readLoginProgress(home.env, group));
  for (const secret of [token.accessToken, token.refreshToken, token.clientSecret])
    expect(progress).not.toContain(secret);
});
