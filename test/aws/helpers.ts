// Shared test plumbing: fixture paths, throw-away homes, and the botocore oracle.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { python } from "../support/test-tools";

export const FIXTURES = join(__dirname, "..", "fixtures", "aws-config");

export function fixture(name: string): string {
  return join(FIXTURES, name);
}

export function readFixture(name: string): string {
  return readFileSync(fixture(name), "utf8");
}

/** A temporary home directory; call the returned cleanup in afterEach/afterAll. */
export function tempHome(): { home: string; cleanup: () => void } {
  const home = mkdtempSync(join(tmpdir(), "stormtunnel-aws-"));
  return { home, cleanup: () => rmSync(home, { recursive: true, force: true }) };
}

export interface OracleProfile {
  values: Record<string, string>;
  credError: string | null;
  tokenError: string | null;
  tokenFile: string | null;
  registration: { key: string; file: string } | null;
}

export interface Oracle {
  parseError: string | null;
  raw: Record<string, Record<string, string>>;
  profiles: Record<string, OracleProfile>;
  sessions: Record<string, Record<string, string>>;
  services: Record<string, Record<string, Record<string, string>>>;
}

/** Runs botocore over a config file with a clean environment pointing only at the temp home. */
export function botocore(configPath: string, home: string): Oracle {
  const py = python();
  const stdout = execFileSync(py.command, [join(__dirname, "botocore_oracle.py"), configPath, home], {
    env: {
      ...py.env,
      PATH: process.env.PATH,
      HOME: home,
      AWS_CONFIG_FILE: configPath,
      AWS_SHARED_CREDENTIALS_FILE: join(home, "no-credentials"),
      AWS_EC2_METADATA_DISABLED: "true",
      PYTHONUTF8: "1",
    },
    encoding: "utf8",
  });
  return JSON.parse(stdout) as Oracle;
}
