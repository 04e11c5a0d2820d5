// Role credentials from the portal emulator (cache, permission and session errors) and logout.
import { existsSync, readdirSync } from "node:fs";
import { startEmulator, type Emulator } from "../emulator";
import { login } from "../../src/lib/sso/login";
import { logout } from "../../src/lib/sso/logout";
import { registrationFileFor } from "../../src/lib/sso/registration-cache";
import { getRoleCredentials } from "../../src/lib/sso/role-credentials";
import { readToken, type CachedToken } from "../../src/lib/sso/token-cache";
import { groupOf, makeTempHome, writeAwsConfig, type TempHome } from "./helpers";

let emu: Emulator;
let home: TempHome;
let token: CachedToken;

beforeEach(async () => {
  emu = await startEmulator({ knobs: { autoApprove: true } });
  home = makeTempHome();
  writeAwsConfig(home);
  const { group } = await groupOf(home, "dev");
  token = await login(group, { env: home.env, method: "device-code", endpoints: emu.endpoints });
});
afterEach(async () => {
  await emu.close();
  home.cleanup();
});

function roleCalls(): number {
  return emu.log.filter((e) => e.operation === "GetRoleCredentials").length;
}

it("gets role credentials the emulated account issued, and reuses them until 5 minutes before expiry", async () => {
  const { profile } = await groupOf(home, "dev");
  const deps = { endpoints: emu.endpoints, now: () => emu.clock.now() };
  const creds = await getRoleCredentials(profile, token.accessToken, deps);
  expect(creds.accessKeyId).toMatch(/^ASIA/);
  expect(emu.directory.credentials.get(creds.accessKeyId)).toMatchObject({
    accountId: "111122223333",
    roleName: "Developer",
  });
  expect(creds.expiration.getTime()).toBeGreaterThan(emu.clock.now());
  expect(await getRoleCredentials(profile, token.accessToken, deps)).toBe(creds);
  expect(roleCalls()).toBe(1);
  emu.clock.advance(56 * 60_000);
  const fresh = await getRoleCredentials(profile, token.accessToken, deps);
  expect(fresh.accessKeyId).not.toBe(creds.accessKeyId);
  expect(roleCalls()).toBe(2);
});

it("explains a role the user has no permission set for", async () => {
  const { profile } = await groupOf(home, "dev-noperm");
  const err = await getRoleCredentials(profile, token.accessToken, { endpoints: emu.endpoints }).catch((e) => e);
  expect(err).toMatchObject({ kind: "permission", code: "ForbiddenException" });
  expect((err as Error).message).toBe(
    "Your SSO user may not use role Developer in account 444455556666 (profile dev-noperm): no permission set grants it. " +
      "Ask your IAM Identity Center administrator to assign that permission set to you, or pick a role you have (the access portal lists them).",
  );
  expect((err as Error).message).not.toContain(token.accessToken);
});

it("says login is needed when the portal refuses the token", async () => {
  const { profile } = await groupOf(home, "dev");
  emu.oidc.endIdpSessions();
  const err = await getRoleCredentials(profile, token.accessToken, { endpoints: emu.endpoints }).catch((e) => e);
  expect(err).toMatchObject({ kind: "auth-required", code: "UnauthorizedException" });
});

it("logs out: portal sign-in ended, token file gone (readToken → missing), registration kept", async () => {
  const { group, profile } = await groupOf(home, "dev");
  const result = await logout(group, { env: home.env, endpoints: emu.endpoints });
  expect(result).toEqual({ deleted: true, portalLoggedOut: true });
  expect(emu.oidc.accessTokenValid(token.accessToken)).toBe(false);
  expect(await readToken(group.tokenCacheFile)).toEqual({ state: "missing" });
  expect(existsSync(registrationFileFor(home.dir, group))).toBe(true);
  await expect(getRoleCredentials(profile, token.accessToken, { endpoints: emu.endpoints })).rejects.toMatchObject({
    kind: "auth-required",
  });
  // Nothing left behind but the registration (no temp or lock files).
  expect(readdirSync(home.cacheDir)).toEqual([registrationFileFor(home.dir, group).split("/").pop()]);
});

it("logs out locally even when the portal is unreachable or the token already invalid", async () => {
  const { group } = await groupOf(home, "dev");
  emu.oidc.endIdpSessions();
  expect(await logout(group, { env: home.env, endpoints: emu.endpoints })).toEqual({
    deleted: true,
    portalLoggedOut: false,
  });
  await login(group, { env: home.env, method: "device-code", endpoints: emu.endpoints });
  const url = emu.endpoints.sso;
  await emu.close();
  expect(await logout(group, { env: home.env, endpoints: { sso: url, ssoOidc: url } })).toEqual({
    deleted: true,
    portalLoggedOut: false,
  });
  emu = await startEmulator();
  expect(await logout(group, { env: home.env, endpoints: emu.endpoints })).toEqual({
    deleted: false,
    portalLoggedOut: false,
  });
});
