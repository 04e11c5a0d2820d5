// A UTF-8 byte-order mark at the start of ~/.aws/config: botocore refuses the whole file, so every AWS CLI command
// fails, while StormTunnel still reads it. The user must hear about it wherever problems are shown.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { profilesCommand } from "../../src/cli/commands/profiles";
import { loadAwsConfig } from "../../src/lib/aws";
import { botocore, tempHome } from "./helpers";

const CONFIG = `[sso-session corp]
sso_start_url = https://d-0000000000.awsapps.com/start
sso_region = us-east-1
sso_registration_scopes = sso:account:access

[profile dev]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = Developer
`;

let home: string;
let cleanup: () => void;
let path: string;
beforeEach(() => {
  ({ home, cleanup } = tempHome());
  mkdirSync(join(home, ".aws"));
  path = join(home, ".aws", "config");
  writeFileSync(path, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(CONFIG)]));
});
afterEach(() => cleanup());

test("botocore cannot parse a config file that starts with a BOM (the control)", () => {
  expect(botocore(path, home).parseError).toBe(`Unable to parse config file: ${path}`);
});

test("loading the real file keeps the profiles and warns that the AWS CLI cannot read it", async () => {
  const config = await loadAwsConfig({ env: { HOME: home } });
  expect(config.profiles.map((p) => p.name)).toEqual(["dev"]);
  expect(config.problems).toContainEqual(
    expect.objectContaining({
      severity: "warning",
      line: 1,
      message: expect.stringMatching(/byte-order mark.*every AWS CLI command fails/),
      fix: expect.stringMatching(/without a BOM/),
    }),
  );
});

test("`stormtunnel profiles` shows the warning on stderr and the table on stdout", async () => {
  const out: string[] = [];
  const err: string[] = [];
  const io = { env: { HOME: home }, stdout: (l: string) => out.push(l), stderr: (l: string) => err.push(l) };
  expect(await profilesCommand([], { ...io, signal: new AbortController().signal })).toBe(0);
  expect(err).toEqual([expect.stringMatching(new RegExp(`^warning: ${path} line 1: .*byte-order mark.* Fix: Save`))]);
  expect(out[0]).toMatch(/^PROFILE/);
  expect(out.some((l) => l.startsWith("dev "))).toBe(true);

  const json: string[] = [];
  const jerr: string[] = [];
  const jio = { env: { HOME: home }, stdout: (l: string) => json.push(l), stderr: (l: string) => jerr.push(l) };
  expect(await profilesCommand(["--json"], { ...jio, signal: new AbortController().signal })).toBe(0);
  expect(JSON.parse(json.join("\n"))).toHaveLength(1);
  expect(jerr).toHaveLength(1);
});
