// A background refresh against the emulated Identity Center (real SSO OIDC client), then the mirrors follow it.
import { startEmulator, type Emulator } from "../emulator";
import { resetRaycast } from "../raycast/api";
import { backgroundRun } from "../../src/commands/refresh/background-check";
import { readSettings } from "../../src/commands/settings";
import { formatCacheTimestamp } from "../../src/lib/sso/timestamps";
import { readToken } from "../../src/lib/sso/token-cache";
import { saveTunnel } from "../../src/lib/tunnels/store";
import { makeHome, type TestHome } from "./fixtures";
import { MIN, cliLogin, corpCacheFile, fakeKeychain, localAccessToken } from "./mirror-helpers";

let emu: Emulator;
let home: TestHome;

beforeEach(async () => {
  resetRaycast();
  emu = await startEmulator({ knobs: { accessTokenTtlSeconds: 3600, idpSessionTtlSeconds: 8 * 3600 } });
  home = makeHome();
  Object.assign(home.env, emu.env());
});
afterEach(async () => {
  await emu.close();
  home.cleanup();
});

it("a refreshed token reaches LocalStorage and the Keychain in the same run", async () => {
  await saveTunnel(home.env, { name: "db", profile: "dev", target: "i-0123abcd", remotePort: 5432, localPort: 15432 });
  const cacheFile = await corpCacheFile(home);
  const seed = emu.oidc.seedLogin();
  const old = cliLogin(cacheFile, 60 * MIN, {
    accessToken: seed.accessToken,
    refreshToken: seed.refreshToken,
    clientId: seed.clientId,
    clientSecret: seed.clientSecret,
    expiresAt: formatCacheTimestamp(seed.expiresAt),
    registrationExpiresAt: formatCacheTimestamp(seed.registrationExpiresAt * 1000),
  });
  const now = () => emu.clock.now();
  await backgroundRun(home.env, readSettings(), { now });
  expect(await localAccessToken()).toBe(old.accessToken);

  emu.clock.advance(57 * MIN); // inside the 5-minute threshold
  const { check, mirrors } = await backgroundRun(home.env, readSettings(), { now });
  expect(check).toMatchObject({ ran: true, sessions: [{ refreshed: true }] });
  expect(mirrors.note).toBeUndefined();
  const fresh = await readToken(cacheFile);
  if (fresh.state !== "ok") throw new Error(fresh.state);
  expect(fresh.token.accessToken).not.toBe(old.accessToken);
  expect(await localAccessToken()).toBe(fresh.token.accessToken);
  expect(JSON.parse(fakeKeychain(home).items().dev)).toMatchObject({
    accessToken: fresh.token.accessToken,
    expiresAt: fresh.token.expiresAt,
  });
});
