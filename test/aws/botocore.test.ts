// The parser against botocore itself (python3 + botocore, run per fixture): same sections and values, same
// profiles and sessions, same token and registration cache files, same error wording.
import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { parseAwsConfig, registrationCacheFile, registrationCacheKey, type AwsConfig } from "../../src/lib/aws";
import { scanIni } from "../../src/lib/aws/scan";
import { botocore, fixture, readFixture, tempHome, type Oracle } from "./helpers";

const FILES = ["both-styles.ini", "odd-syntax.ini", "odd-syntax-crlf.ini", "errors.ini", "unicode.ini"];
/** Rules from `aws sso login` (CLI ≥ 2.35.13) that botocore's providers do not check. */
const CLI_ONLY = ["The sso_start_url must use the https scheme."];

describe.each(FILES)("%s agrees with botocore", (file) => {
  let home: string;
  let cleanup: () => void;
  let oracle: Oracle;
  let config: AwsConfig;
  let text: string;

  beforeAll(() => {
    ({ home, cleanup } = tempHome());
    const path = join(home, "config");
    copyFileSync(fixture(file), path);
    oracle = botocore(path, home);
    text = readFixture(file);
    config = parseAwsConfig(text, { path, homeDir: home });
  });
  afterAll(() => cleanup());

  test("botocore accepts the whole file", () => {
    expect(oracle.parseError).toBeNull();
    expect(config.problems.filter((p) => p.severity === "error" && p.line !== undefined)).toEqual([]);
  });

  test("every section has the same keys and values", () => {
    const ours: Record<string, Record<string, string>> = {};
    for (const s of scanIni(text).sections)
      ours[s.header] = Object.fromEntries([...s.values].map(([k, v]) => [k, v.value]));
    expect(ours).toEqual(oracle.raw);
  });

  test("same profile and sso-session names", () => {
    expect(config.profiles.map((p) => p.name).sort()).toEqual(Object.keys(oracle.profiles).sort());
    expect(config.ssoSessions.map((s) => s.name).sort()).toEqual(Object.keys(oracle.sessions).sort());
  });

  test("same token cache file per SSO profile", () => {
    const expected = Object.entries(oracle.profiles).filter(([, p]) => p.tokenFile !== null);
    expect(expected.length).toBeGreaterThan(0);
    for (const [name, p] of expected) {
      const profile = config.profiles.find((x) => x.name === name);
      expect(profile?.kind === "sso" && profile.tokenCacheFile).toBe(p.tokenFile);
    }
  });

  test("same client-registration cache key and file per SSO session", () => {
    for (const [name, p] of Object.entries(oracle.profiles)) {
      const profile = config.profiles.find((x) => x.name === name);
      if (!p.registration || profile?.kind !== "sso" || !profile.canLogin) continue;
      const input = {
        startUrl: profile.startUrl,
        region: profile.ssoRegion,
        scopes: profile.registrationScopes,
        sessionName: profile.sessionName ?? null,
      };
      expect(registrationCacheKey(input)).toBe(p.registration.key);
      expect(registrationCacheFile(home, input)).toBe(p.registration.file);
      const group = config.groups.find((g) => g.profiles.includes(name));
      // sso-session logins share the CLI's registration; legacy ones keep a scoped client of their own, since the
      // CLI's legacy registration is scope-less (no refresh tokens) and the two would overwrite each other.
      if (profile.sessionName !== undefined) expect(group?.registrationCacheFile).toBe(p.registration.file);
      else
        expect(group?.registrationCacheFile).toBe(
          registrationCacheFile(home, { ...input, scopes: ["sso:account:access"] }),
        );
    }
  });

  test("errors carry the CLI's own wording, and only where botocore raises one", () => {
    for (const [name, p] of Object.entries(oracle.profiles)) {
      const profile = config.profiles.find((x) => x.name === name);
      const ours = (profile?.problems ?? []).filter((x) => x.severity === "error").map((x) => x.message);
      const theirs = p.credError ?? p.tokenError;
      if (theirs) expect({ name, message: ours[0] }).toEqual({ name, message: theirs });
      else expect({ name, errors: ours.filter((m) => !CLI_ONLY.includes(m)) }).toEqual({ name, errors: [] });
    }
  });

  test("services endpoints match botocore's nested sub-blocks", () => {
    for (const profile of config.profiles) {
      const servicesName = oracle.profiles[profile.name].values.services;
      if (!servicesName) continue;
      const block = oracle.services[servicesName];
      expect(profile.endpoints).toEqual({
        ssoOidc: block.sso_oidc?.endpoint_url,
        sso: block.sso?.endpoint_url,
        ssm: block.ssm?.endpoint_url,
      });
    }
  });
});

test("botocore refuses broken.ini as a whole while we still load its valid profiles", () => {
  const { home, cleanup } = tempHome();
  try {
    const path = join(home, "config");
    copyFileSync(fixture("broken.ini"), path);
    expect(botocore(path, home).parseError).toBe(`Unable to parse config file: ${path}`);
    const config = parseAwsConfig(readFixture("broken.ini"), { path, homeDir: home });
    expect(config.profiles.find((p) => p.name === "fine")?.usableForTunnels).toBe(true);
  } finally {
    cleanup();
  }
});
