// A 5,000-profile file, written by the `ini` package (a standard INI writer), parsed correctly in one pass.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "ini";
import { groupFor, parseAwsConfig, type AwsConfig } from "../../src/lib/aws";
import { tempHome } from "./helpers";
import { python as botocorePython } from "../support/test-tools";

const SESSIONS = 40;
const SSO = 4000;
const LEGACY = 500;
const CHAINED = 400;
const OTHER = 100;

function bigConfig(): Record<string, Record<string, string>> {
  const c: Record<string, Record<string, string>> = {};
  for (let s = 0; s < SESSIONS; s++) {
    c[`sso-session s${s}`] = {
      sso_start_url: `https://d-${String(s).padStart(10, "0")}.awsapps.com/start`,
      sso_region: s % 2 ? "eu-west-1" : "us-east-1",
      ...(s % 4 ? { sso_registration_scopes: "sso:account:access" } : {}),
    };
  }
  for (let i = 0; i < SSO; i++) {
    c[`profile sso-${i}`] = {
      sso_session: `s${i % SESSIONS}`,
      sso_account_id: String(100000000000 + i),
      sso_role_name: `Role${i % 7}`,
      region: "eu-central-1",
    };
  }
  for (let i = 0; i < LEGACY; i++) {
    c[`profile legacy-${i}`] = {
      sso_start_url: `https://legacy-${i % 10}.awsapps.com/start`,
      sso_region: "us-west-2",
      sso_account_id: String(200000000000 + i),
      sso_role_name: "ReadOnly",
    };
  }
  for (let i = 0; i < CHAINED; i++) {
    // Every other chain goes through the previous chained profile: multi-hop chains up to 200 deep.
    const source = i % 2 && i > 1 ? `chained-${i - 2}` : `sso-${i}`;
    c[`profile chained-${i}`] = { role_arn: `arn:aws:iam::${300000000000 + i}:role/Admin`, source_profile: source };
  }
  for (let i = 0; i < OTHER; i++)
    c[`profile keys-${i}`] = { aws_access_key_id: `AKIA${i}`, aws_secret_access_key: "x" };
  return c;
}

let config: AwsConfig;
let home: string;
let cleanup: () => void;
let path: string;
beforeAll(() => {
  ({ home, cleanup } = tempHome());
  path = join(home, "config");
  const text = stringify(bigConfig(), { whitespace: true });
  writeFileSync(path, text);
  config = parseAwsConfig(text, { path, homeDir: home });
});
afterAll(() => cleanup());

test("every profile is there, with its kind", () => {
  expect(config.profiles).toHaveLength(SSO + LEGACY + CHAINED + OTHER);
  const kinds = config.profiles.reduce<Record<string, number>>(
    (n, p) => ({ ...n, [p.kind]: (n[p.kind] ?? 0) + 1 }),
    {},
  );
  expect(kinds).toEqual({ sso: SSO + LEGACY, "role-chained": CHAINED, other: OTHER });
  expect(config.problems.filter((p) => p.severity === "error")).toEqual([]);
});

test("groups: one per session and one per legacy start URL, covering every SSO profile and chain", () => {
  expect(config.groups).toHaveLength(SESSIONS + 10);
  expect(config.groups.reduce((n, g) => n + g.profiles.length, 0)).toBe(SSO + LEGACY + CHAINED);
  // StormTunnel's sign-in refreshes every one: with or without sso_registration_scopes, legacy included.
  expect(config.groups.filter((g) => g.canRefresh)).toHaveLength(SESSIONS + 10);
  const s7 = config.groups.find((g) => g.sessionName === "s7");
  expect(s7?.profiles.filter((p) => p.startsWith("sso-"))).toHaveLength(SSO / SESSIONS);
});

test("deep chains resolve to their SSO root", () => {
  const deep = config.profiles.find((p) => p.name === "chained-399");
  expect(deep?.kind === "role-chained" && deep.chain.length).toBe(201);
  expect(deep?.kind === "role-chained" && deep.ssoProfile).toBe("sso-1");
  expect(groupFor(config, "chained-399")?.sessionName).toBe("s1");
});

test("token cache files agree with botocore for every SSO profile", () => {
  const python = `
import json, os, sys
import botocore.configloader as c
from botocore.utils import SSOTokenLoader
m = c.build_profile_map(c.raw_config_parse(sys.argv[1]))
out = {}
for name, p in m["profiles"].items():
    if "sso_session" in p or "sso_start_url" in p:
        key = SSOTokenLoader()._generate_cache_key(p.get("sso_start_url"), p.get("sso_session"))
        out[name] = os.path.join(sys.argv[2], ".aws", "sso", "cache", key + ".json")
print(json.dumps(out))
`;
  const py = botocorePython();
  const stdout = execFileSync(py.command, ["-c", python, path, home], {
    env: { ...py.env, PATH: process.env.PATH, HOME: home, PYTHONUTF8: "1" },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  const expected = JSON.parse(stdout) as Record<string, string>;
  const ours = Object.fromEntries(
    config.profiles.flatMap((p) => (p.kind === "sso" ? [[p.name, p.tokenCacheFile] as const] : [])),
  );
  expect(Object.keys(expected)).toHaveLength(SSO + LEGACY);
  expect(ours).toEqual(expected);
});
