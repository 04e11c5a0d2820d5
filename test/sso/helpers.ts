// Shared test scaffolding for the SSO tests: a throwaway HOME and StormTunnel home, never the real ones.
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { findProfile, groupFor, loadAwsConfig } from "../../src/lib/aws";
import type { Env } from "../../src/lib/home";
import { startEmulator, type Emulator } from "../emulator";
import type { EmulatorKnobs } from "../emulator/knobs";
import { python } from "../support/test-tools";

export interface TempHome {
  dir: string;
  env: Env;
  cacheDir: string;
  cleanup(): void;
}

/** A temp HOME with AWS_CONFIG_FILE and STORMTUNNEL_HOME inside it; env is built explicitly, not from process.env. */
export function makeTempHome(extra: Env = {}): TempHome {
  const dir = mkdtempSync(join(tmpdir(), "st-sso-"));
  const env: Env = {
    HOME: dir,
    AWS_CONFIG_FILE: join(dir, ".aws", "config"),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, ".aws", "credentials"),
    STORMTUNNEL_HOME: join(dir, ".config", "stormtunnel"),
    PATH: process.env.PATH,
    ...extra,
  };
  return {
    dir,
    env,
    cacheDir: join(dir, ".aws", "sso", "cache"),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A promise and what settles it: a test waits for the event itself instead of sleeping and hoping it happened. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export const START_URL = "https://d-0000000000.awsapps.com/start";

/** Two profiles sharing sso-session corp, one without scopes (no refresh), one legacy, one non-SSO. */
export const SAMPLE_CONFIG = `[sso-session corp]
sso_start_url = ${START_URL}
sso_region = us-east-1
sso_registration_scopes = sso:account:access

[sso-session noscopes]
sso_start_url = ${START_URL}
sso_region = us-east-1

[profile dev]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = Developer
region = eu-west-1

[profile dev-ro]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = ReadOnly

[profile dev-noperm]
sso_session = corp
sso_account_id = 444455556666
sso_role_name = Developer

[profile plain]
sso_session = noscopes
sso_account_id = 111122223333
sso_role_name = Developer

[profile legacy]
sso_start_url = ${START_URL}
sso_region = us-east-1
sso_account_id = 111122223333
sso_role_name = Developer

[profile static]
aws_access_key_id = AKIAEXAMPLE
aws_secret_access_key = example
`;

export function writeAwsConfig(home: TempHome, text = SAMPLE_CONFIG): void {
  mkdirSync(join(home.dir, ".aws"), { recursive: true });
  writeFileSync(home.env.AWS_CONFIG_FILE!, text);
}

/** Loads the temp config and returns the SSO session group (and SSO profile) of a profile. */
export async function groupOf(home: TempHome, profile: string) {
  const config = await loadAwsConfig({ env: home.env });
  const group = groupFor(config, profile);
  const p = findProfile(config, profile);
  if (!group || !p || p.kind !== "sso") throw new Error(`no SSO group for ${profile}`);
  return { group, profile: p };
}

/** What botocore (the AWS CLI's core) makes of the token cache: test/sso/py/sso_token.py PROFILE ACTION. */
export async function botocoreProbe(
  home: TempHome,
  emu: Emulator,
  profile: string,
  action: string,
): Promise<Record<string, unknown>> {
  const py = python();
  const env = { ...home.env, ...emu.env(), ...py.env, PYTHONDONTWRITEBYTECODE: "1" } as NodeJS.ProcessEnv;
  const script = join(__dirname, "py", "sso_token.py");
  const { stdout } = await promisify(execFile)(py.command, [script, profile, action], { env, timeout: 30_000 });
  return JSON.parse(stdout.trim().split("\n").pop()!);
}

/** Per test: a fresh emulator with these knobs and a temp HOME holding SAMPLE_CONFIG; both gone afterwards. */
export function useEmulatorHome(knobs: Partial<EmulatorKnobs> = {}): {
  readonly emu: Emulator;
  readonly home: TempHome;
} {
  const world = {} as { emu: Emulator; home: TempHome };
  beforeEach(async () => {
    world.emu = await startEmulator({ knobs });
    world.home = makeTempHome();
    writeAwsConfig(world.home);
  });
  afterEach(async () => {
    await world.emu.close();
    world.home.cleanup();
  });
  return world;
}

/** A plain GET that does not follow redirects. */
export function httpGet(url: string): Promise<{ status: number; location?: string; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, (res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, location: res.headers.location, body }));
    })
      .on("error", reject)
      .end();
  });
}

/** The user's browser with the emulator's auto-approve on: the authorize page redirects to the loopback callback. */
export async function approveInBrowser(url: string): Promise<void> {
  const r = await httpGet(url);
  if (r.location) await httpGet(r.location);
}
