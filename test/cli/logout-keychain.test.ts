// `stormtunnel logout` also removes the profile's Keychain copies (fake `security`), and never fails over them.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { startEmulator, type Emulator } from "../emulator";
import { loginCommand } from "../../src/cli/commands/login";
import { logoutCommand } from "../../src/cli/commands/logout";
import type { CliIo } from "../../src/cli/io";
import { KeychainTokenMirror } from "../../src/lib/sso/mirrors/keychain-mirror";
import { makeTempHome, writeAwsConfig, type TempHome } from "../sso/helpers";

const FAKE = resolve(__dirname, "../fixtures/fake-security/security");
const PROFILES = ["dev", "dev-ro", "dev-noperm"];

let emu: Emulator;
let home: TempHome;
let fakeDir: string;
let err: string[];

beforeEach(async () => {
  emu = await startEmulator({ knobs: { autoApprove: true } });
  home = makeTempHome();
  writeAwsConfig(home);
  fakeDir = join(home.dir, "fake-security");
  mkdirSync(fakeDir);
  err = [];
});
afterEach(async () => {
  await emu.close();
  home.cleanup();
});

const securityEnv = () => ({ STORMTUNNEL_SECURITY_PATH: FAKE, FAKE_SECURITY_DIR: fakeDir });
const io = (extra: Record<string, string> = {}): CliIo => ({
  env: { ...home.env, ...emu.env(), ...securityEnv(), ...extra },
  stdout: () => undefined,
  stderr: (l) => err.push(l),
  signal: new AbortController().signal,
});
const mirror = () => new KeychainTokenMirror({ securityPath: FAKE, env: { PATH: process.env.PATH, ...securityEnv() } });
const stored = () =>
  existsSync(join(fakeDir, "store.json"))
    ? Object.keys(JSON.parse(readFileSync(join(fakeDir, "store.json"), "utf8")))
    : [];

async function signInWithKeychainCopies(): Promise<void> {
  expect(await loginCommand(["dev", "--device-code", "--no-browser"], io())).toBe(0);
  for (const p of PROFILES) {
    await mirror().write(p, {
      v: 1,
      sessionKey: "corp",
      startUrl: "https://d-0000000000.awsapps.com/start",
      region: "us-east-1",
      accessToken: "aoa-mirrored",
      expiresAt: new Date(Date.now() + 3600_000).toISOString(),
    });
  }
  expect(stored()).toHaveLength(PROFILES.length);
}

it("removes every Keychain copy of the session's profiles", async () => {
  await signInWithKeychainCopies();
  expect(await logoutCommand(["dev-ro"], io())).toBe(0);
  expect(stored()).toEqual([]);
  for (const p of PROFILES) expect(await mirror().read(p)).toBeUndefined();
  expect(err).toEqual([]);
});

it("leaves the Keychain alone when the Keychain preference is off", async () => {
  await signInWithKeychainCopies();
  expect(await logoutCommand(["dev"], io({ STORMTUNNEL_KEYCHAIN: "0" }))).toBe(0);
  expect(stored()).toHaveLength(PROFILES.length);
});

it("a locked keychain does not fail the logout", async () => {
  await signInWithKeychainCopies();
  writeFileSync(join(fakeDir, "locked"), "");
  expect(await logoutCommand(["dev"], io())).toBe(0);
  expect(err.join("\n")).toMatch(/Keychain copies not removed yet/);
});
