// Scaffolding for the refresh tests: an sso-session config in a temp home and token files as a login would write.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { loadAwsConfig, type AwsConfig, type SsoSessionGroup } from "../../src/lib/aws";
import type { Env } from "../../src/lib/home";
import { formatCacheTimestamp } from "../../src/lib/sso/timestamps";
import type { CachedToken } from "../../src/lib/sso/token-cache";
import type { Emulator } from "../emulator";

export const START_URL = "https://d-0000000000.awsapps.com/start";

export function writeConfig(env: Env, profiles: string[] = ["dev", "prod"], legacy = false): void {
  const lines = [
    "[sso-session corp]",
    `sso_start_url = ${START_URL}`,
    "sso_region = us-east-1",
    "sso_registration_scopes = sso:account:access",
    "",
  ];
  for (const p of profiles) {
    lines.push(`[profile ${p}]`, "sso_session = corp", "sso_account_id = 111122223333", "sso_role_name = ReadOnly", "");
  }
  if (legacy) {
    lines.push(
      "[profile old]",
      `sso_start_url = ${START_URL}`,
      "sso_region = us-east-1",
      "sso_account_id = 111122223333",
      "sso_role_name = ReadOnly",
      "",
    );
  }
  mkdirSync(dirname(env.AWS_CONFIG_FILE!), { recursive: true });
  writeFileSync(env.AWS_CONFIG_FILE!, lines.join("\n"));
}

export async function corpGroup(env: Env): Promise<{ config: AwsConfig; group: SsoSessionGroup }> {
  const config = await loadAwsConfig({ env });
  const group = config.groups.find((g) => g.sessionName === "corp");
  if (!group) throw new Error(`no corp group: ${JSON.stringify(config.problems)}`);
  return { config, group };
}

/** A token file exactly as `aws sso login` leaves it, from a login seeded in the emulator. */
export function loginToken(emu: Emulator, over: Partial<CachedToken> = {}): CachedToken {
  const seed = emu.oidc.seedLogin();
  return {
    startUrl: START_URL,
    region: "us-east-1",
    accessToken: seed.accessToken,
    expiresAt: formatCacheTimestamp(seed.expiresAt),
    clientId: seed.clientId,
    clientSecret: seed.clientSecret,
    registrationExpiresAt: formatCacheTimestamp(seed.registrationExpiresAt * 1000),
    refreshToken: seed.refreshToken,
    ...over,
  };
}

/** Writes like the AWS CLI: in place (truncate + write), no lock, compact JSON. */
export function cliWrite(file: string, token: CachedToken): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(token), { mode: 0o600 });
}
