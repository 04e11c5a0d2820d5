// A throwaway HOME and StormTunnel home per test, with an AWS config; never the real home, never the real Keychain.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

/** Stand-in for /usr/bin/security: records argv and stdin in $FAKE_SECURITY_DIR (test/fixtures/fake-security). */
export const FAKE_SECURITY = resolve(__dirname, "../fixtures/fake-security/security");

export const SSO_CONFIG = `[profile dev]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = Developer
region = eu-west-1

[profile static]
aws_access_key_id = AKIAEXAMPLE
aws_secret_access_key = secret

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1
sso_registration_scopes = sso:account:access
`;

export interface TestHome {
  root: string;
  env: Record<string, string>;
  writeAwsConfig(text: string): void;
  cleanup(): void;
}

export function makeHome(awsConfig = SSO_CONFIG): TestHome {
  const root = mkdtempSync(join(tmpdir(), "stormtunnel-cmd-"));
  const env: Record<string, string> = {
    HOME: join(root, "home"),
    STORMTUNNEL_HOME: join(root, "st"),
    // Every command test gets the fake Keychain, so none reaches the real one when run on a Mac.
    STORMTUNNEL_SECURITY_PATH: FAKE_SECURITY,
    FAKE_SECURITY_DIR: join(root, "keychain"),
    PATH: process.env.PATH ?? "", // the fake is a `#!/usr/bin/env node` script
  };
  mkdirSync(env.FAKE_SECURITY_DIR, { recursive: true });
  const writeAwsConfig = (text: string) => {
    mkdirSync(join(env.HOME, ".aws"), { recursive: true });
    writeFileSync(join(env.HOME, ".aws", "config"), text);
  };
  writeAwsConfig(awsConfig);
  return { root, env, writeAwsConfig, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

/** Entry points read process.env: point it at the test home for the duration of `fn`. */
export async function withProcessEnv<T>(env: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}
