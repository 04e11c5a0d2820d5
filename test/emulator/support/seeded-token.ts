// A token cache file as a finished login against the emulator leaves it (AWS CLI format), for tests that start
// signed in.
import { writeToken } from "../../../src/lib/sso/token-cache";
import type { Emulator } from "../index";

export const EMULATOR_START_URL = "https://d-0000000000.awsapps.com/start";

export async function writeSeededToken(emu: Emulator, file: string, region = "us-east-1"): Promise<void> {
  const seeded = emu.oidc.seedLogin();
  await writeToken(file, {
    startUrl: EMULATOR_START_URL,
    region,
    accessToken: seeded.accessToken,
    expiresAt: new Date(seeded.expiresAt).toISOString(),
    clientId: seeded.clientId,
    clientSecret: seeded.clientSecret,
    registrationExpiresAt: new Date(seeded.registrationExpiresAt * 1000).toISOString(),
    refreshToken: seeded.refreshToken,
  });
}
