// The cache file is the interop surface: botocore (the AWS CLI's core) and StormTunnel read, refresh and log out
// each other's tokens, against the emulator, in a temp HOME.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { login } from "../../src/lib/sso/login";
import { createTokenWithRefreshToken } from "../../src/lib/sso/oidc";
import { getRoleCredentials } from "../../src/lib/sso/role-credentials";
import { formatCacheTimestamp } from "../../src/lib/sso/timestamps";
import { readToken, writeToken, type CachedToken } from "../../src/lib/sso/token-cache";
import { botocoreProbe, groupOf, useEmulatorHome } from "./helpers";
import { python } from "../support/test-tools";

jest.setTimeout(60_000);

const PY = join(__dirname, "py");

const w = useEmulatorHome({ autoApprove: true });

const botocore = (profile: string, action: string) => botocoreProbe(w.home, w.emu, profile, action);

async function ourToken(file: string): Promise<CachedToken> {
  const read = await readToken(file);
  if (read.state !== "ok") throw new Error(`token ${read.state}`);
  return read.token;
}

it("botocore loads our token, refreshes it when it is near expiry, and we adopt the refreshed one", async () => {
  const { group, profile } = await groupOf(w.home, "dev");
  const ours = await login(group, { env: w.home.env, method: "pkce", endpoints: w.emu.endpoints, openBrowser: follow });

  expect(await botocore("dev", "load")).toMatchObject({ changed: false, fileMatches: true });

  // Five minutes left: inside botocore's 15-minute window, so it refreshes with our client data and refresh token.
  await writeToken(group.tokenCacheFile, {
    ...ours,
    expiresAt: formatCacheTimestamp(Date.now() + 5 * 60_000),
    ideField: 1,
  });
  const loaded = await botocore("dev", "load");
  expect(loaded).toMatchObject({ changed: true, fileMatches: true });
  expect(w.emu.oidc.createTokenCalls.refresh_token).toBe(1);

  const after = await readToken(group.tokenCacheFile);
  expect(after.state).toBe("ok");
  if (after.state !== "ok") return;
  expect(after.token.accessToken).not.toBe(ours.accessToken);
  expect(after.refreshable).toBe(true);
  expect(after.expiresAt.getTime()).toBeGreaterThan(Date.now() + 50 * 60_000);
  expect(w.emu.oidc.accessTokenValid(after.token.accessToken)).toBe(true);
  // And we use it without a new login.
  const creds = await getRoleCredentials(profile, after.token.accessToken, { endpoints: w.emu.endpoints });
  expect(creds.accessKeyId).toMatch(/^ASIA/);
  expect(w.emu.oidc.clients()).toHaveLength(1);
});

it("botocore's SSO credential provider gets role credentials with our token", async () => {
  const { group } = await groupOf(w.home, "dev");
  await login(group, { env: w.home.env, method: "device-code", endpoints: w.emu.endpoints });
  const out = await botocore("dev", "creds");
  expect(out.method).toBe("sso");
  expect(w.emu.directory.credentials.get(out.accessKeyId as string)).toMatchObject({ roleName: "Developer" });
});

it("we use and refresh a token the AWS CLI wrote (in place, no login of ours)", async () => {
  const { group, profile } = await groupOf(w.home, "dev");
  await botocore("dev", "cli-login");
  const token = await ourToken(group.tokenCacheFile);
  const read = await readToken(group.tokenCacheFile);
  expect(read.state === "ok" && read.refreshable).toBe(true);
  await getRoleCredentials(profile, token.accessToken, { endpoints: w.emu.endpoints });
  const refreshed = await createTokenWithRefreshToken(group, token, { endpoints: w.emu.endpoints });
  expect(w.emu.oidc.accessTokenValid(refreshed.accessToken)).toBe(true);
  expect(w.emu.log.filter((e) => e.operation === "Authorize")).toHaveLength(0);
});

it("an `aws sso logout`-style deletion reads as logged out", async () => {
  const { group } = await groupOf(w.home, "dev");
  const token = await login(group, { env: w.home.env, method: "device-code", endpoints: w.emu.endpoints });
  expect(await botocore("dev", "logout")).toEqual({ deleted: true });
  expect(await readToken(group.tokenCacheFile)).toEqual({ state: "missing" });
  expect(w.emu.oidc.accessTokenValid(token.accessToken)).toBe(false);
});

it("an in-place writer racing our reads and writes never makes us fail or lose fields", async () => {
  const { group } = await groupOf(w.home, "dev");
  const token = await login(group, { env: w.home.env, method: "device-code", endpoints: w.emu.endpoints });
  await writeToken(group.tokenCacheFile, { ...token, ideField: "keep-me" });
  const writer = spawn(python().command, [join(PY, "inplace_writer.py"), group.tokenCacheFile, "60"], {
    env: { ...python().env, PATH: w.home.env.PATH } as NodeJS.ProcessEnv,
  });
  // Collect output from the start: under load the writer may finish before the race loop below does.
  let out = "";
  writer.stdout.on("data", (d) => (out += d));
  const exited = new Promise<void>((resolve) => writer.once("exit", () => resolve()));
  await new Promise((r) => writer.stdout.once("data", r));
  let reads = 0;
  let writes = 0;
  // A fixed number of our reads and writes while the writer runs, however slow the machine is; then it stops.
  while (reads < 150) {
    const read = await readToken(group.tokenCacheFile);
    expect(read.state).toBe("ok");
    reads++;
    if (reads % 5 === 0) {
      await writeToken(group.tokenCacheFile, { ...token, accessToken: token.accessToken });
      writes++;
    }
  }
  writer.stdin.end();
  await exited;
  // The writer really was rewriting the file throughout (every 2 ms), not finished before we began.
  expect(JSON.parse(out.trim().split("\n").pop()!).writes).toBeGreaterThan(20);
  expect(writes).toBe(30);
  // After the race, one more write of ours keeps every field anyone put there.
  await writeToken(group.tokenCacheFile, { accessToken: token.accessToken, expiresAt: token.expiresAt });
  const final = await ourToken(group.tokenCacheFile);
  expect(final).toMatchObject({
    ideField: "keep-me",
    refreshToken: token.refreshToken,
    clientSecret: token.clientSecret,
  });
  expect(final.writerCounter).toEqual(expect.any(Number));
});

/** PKCE with auto-approve: the "browser" follows the redirect to our loopback listener. */
async function follow(url: string): Promise<void> {
  const location = (await fetch(url, { redirect: "manual" })).headers.get("location")!;
  await fetch(location);
}
