// Command tests against the emulator: a test home whose SSO profile points at it (through emu.env()), and a token
// cache file seeded the way a finished login leaves it.
import { startEmulator, type Emulator, type EmulatorOptions } from "../emulator";
import { EMULATOR_START_URL, writeSeededToken } from "../emulator/support/seeded-token";
import { loadAwsConfig } from "../../src/lib/aws";
import { makeHome, type TestHome } from "./fixtures";

export const START_URL = EMULATOR_START_URL;

export const EMULATED_CONFIG = `[sso-session corp]
sso_start_url = ${START_URL}
sso_region = us-east-1
sso_registration_scopes = sso:account:access

[profile dev]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = Developer
region = us-east-1

[profile readonly]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = ReadOnly
region = us-east-1
`;

export interface EmulatedHome extends TestHome {
  emu: Emulator;
  /** Writes a token for the corp session, as a login against the emulator would. */
  seedToken(): Promise<string>;
  tokenFile(): Promise<string>;
  close(): Promise<void>;
}

export async function emulatedHome(options: EmulatorOptions = {}, config = EMULATED_CONFIG): Promise<EmulatedHome> {
  const emu = await startEmulator(options);
  const home = makeHome(config);
  Object.assign(home.env, emu.env());
  const tokenFile = async () => (await loadAwsConfig({ env: home.env })).groups[0].tokenCacheFile;
  return {
    ...home,
    emu,
    tokenFile,
    async seedToken() {
      const file = await tokenFile();
      await writeSeededToken(emu, file);
      return file;
    },
    async close() {
      await emu.close();
      home.cleanup();
    },
  };
}
