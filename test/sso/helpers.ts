// Shared test scaffolding for the SSO tests: a throwaway HOME and StormTunnel home, never the real ones.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Env } from "../../src/lib/home";

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

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
