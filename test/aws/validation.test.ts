// Problems are precise (section, key, message, fix), never thrown, and never stop valid profiles from loading.
import { findProfile, parseAwsConfig, type AwsConfig, type ConfigProblem } from "../../src/lib/aws";
import { readFixture } from "./helpers";

const parse = (text: string): AwsConfig => parseAwsConfig(text, { path: "/tmp/config", homeDir: "/home/u" });

function errorsOf(config: AwsConfig, name: string): ConfigProblem[] {
  return (findProfile(config, name)?.problems ?? []).filter((p) => p.severity === "error");
}

describe("errors.ini", () => {
  let config: AwsConfig;
  beforeAll(() => (config = parse(readFixture("errors.ini"))));

  test("the valid profile still loads and is usable", () => {
    expect(findProfile(config, "fine")).toMatchObject({ kind: "sso", usableForTunnels: true, problems: [] });
  });

  test.each([
    [
      "missing-session",
      "sso_session",
      'The specified sso-session does not exist: "nope"',
      /\[sso-session nope\].*good/,
    ],
    [
      "inconsistent",
      "sso_region",
      "The value for sso_region is inconsistent between profile (eu-west-1) and sso-session (us-east-1).",
      /Remove sso_region from \[profile inconsistent\]/,
    ],
    [
      "session-lacks-region",
      "sso_region",
      'The profile "session-lacks-region" is configured to use SSO but is missing required configuration: sso_region',
      /Add sso_region/,
    ],
    [
      "bearer-session-lacks-region",
      "sso_region",
      "The profile \"bearer-session-lacks-region\" is configured to use the SSO token provider but is missing the following configuration: ['sso_region'].",
      /\[sso-session no-region\]/,
    ],
    [
      "legacy-missing",
      "sso_role_name",
      'The profile "legacy-missing" is configured to use SSO but is missing required configuration: sso_role_name, sso_region',
      /aws configure sso/,
    ],
    ["legacy-http", "sso_start_url", "The sso_start_url must use the https scheme.", /https:\/\//],
    ["http-session", "sso_start_url", "The sso_start_url must use the https scheme.", /https:\/\//],
    [
      "cycle-a",
      "source_profile",
      "Infinite loop in credential configuration detected. Attempting to load from profile cycle-a which has already been visited. Visited profiles: ['cycle-a', 'cycle-b', 'cycle-c']",
      /cycle-a → cycle-b → cycle-c → cycle-a/,
    ],
    [
      "self-loop",
      "source_profile",
      "Infinite loop in credential configuration detected. Attempting to load from profile self-loop which has already been visited. Visited profiles: ['self-loop']",
      /SSO/,
    ],
    [
      "missing-source",
      "source_profile",
      'The source_profile "ghost" referenced in the profile "missing-source" does not exist.',
      /\[profile ghost\]/,
    ],
    [
      "both-sources",
      "source_profile",
      'The profile "both-sources" contains both source_profile and credential_source.',
      /only one/,
    ],
  ])("%s: %s", (name, key, message, fix) => {
    const [first] = errorsOf(config, name);
    expect(first).toMatchObject({ key, message, profile: name, severity: "error" });
    expect(first.fix).toMatch(fix);
    expect(first.section).toBe(findProfile(config, name)?.section);
    expect(findProfile(config, name)?.usableForTunnels).toBe(false);
    expect(config.problems).toContainEqual(first);
  });

  test("session-level problems name the session section and key", () => {
    expect(config.problems).toContainEqual(
      expect.objectContaining({
        section: "sso-session no-region",
        key: "sso_region",
        message: "Missing the following required SSO configuration values: sso_region. ",
      }),
    );
    expect(config.problems).toContainEqual(
      expect.objectContaining({ section: "sso-session plain-http", key: "sso_start_url", severity: "error" }),
    );
  });

  test("a chain ending in a broken SSO profile reports the root's error and does not group", () => {
    const chained = findProfile(config, "chained-to-broken");
    expect(chained).toMatchObject({ kind: "role-chained", ssoProfile: "missing-session" });
    expect(errorsOf(config, "chained-to-broken")[0].fix).toMatch(/Fix profile missing-session/);
    expect(config.groups.flatMap((g) => g.profiles)).not.toContain("chained-to-broken");
  });

  test("a profile may name itself as source only to use its own static keys", () => {
    expect(findProfile(config, "self-with-keys")).toMatchObject({ kind: "role-chained", chain: ["self-with-keys"] });
    expect(errorsOf(config, "self-with-keys")).toEqual([]);
  });

  test("headers the CLI ignores and bare sections are reported, not loaded", () => {
    expect(findProfile(config, "a b")).toBeUndefined();
    expect(findProfile(config, "bare")).toBeUndefined();
    expect(config.problems).toContainEqual(expect.objectContaining({ section: "profile a b", severity: "warning" }));
    expect(config.problems).toContainEqual(
      expect.objectContaining({ section: "bare", fix: "Rename it to [profile bare]." }),
    );
  });

  test("an indented line continues the key above it, and we say so", () => {
    expect(findProfile(config, "trap-before")).toMatchObject({
      kind: "sso",
      roleName: "ReadOnly\n[profile swallowed]",
    });
    expect(findProfile(config, "swallowed")).toBeUndefined();
    expect(config.problems).toContainEqual(
      expect.objectContaining({ section: "profile trap-before", key: "sso_role_name", severity: "warning" }),
    );
  });
});

describe("broken.ini (the AWS CLI refuses the whole file)", () => {
  let config: AwsConfig;
  beforeAll(() => (config = parse(readFixture("broken.ini"))));
  const fileErrors = () => config.problems.filter((p) => p.severity === "error" && p.line !== undefined);

  test("every structural error is listed with its line", () => {
    expect(fileErrors().map((p) => [p.section, p.key, p.line])).toEqual([
      ["", undefined, 1],
      ["profile dup", undefined, 17],
      ["profile dup-key", "sso_account_id", 23],
      ["profile garbage", undefined, 27],
    ]);
    expect(fileErrors()[1].message).toMatch(/appears more than once \(first on line 12\).*Unable to parse config file/);
    expect(fileErrors()[2].message).toMatch(/Key sso_account_id appears more than once/);
    for (const p of fileErrors()) expect(p.fix.length).toBeGreaterThan(10);
  });

  test("valid profiles still load; duplicates merge with later values winning, as in the JS SDK", () => {
    expect(findProfile(config, "fine")?.usableForTunnels).toBe(true);
    expect(findProfile(config, "dup")).toMatchObject({ accountId: "111122223333", roleName: "Admin" });
    expect(findProfile(config, "dup-key")).toMatchObject({ accountId: "444455556666" });
    expect(findProfile(config, "garbage")).toMatchObject({ kind: "sso", usableForTunnels: true });
  });

  test("a services sub-block without `=` is an error on its key", () => {
    expect(config.problems).toContainEqual(
      expect.objectContaining({ section: "services bad", key: "sso_oidc", severity: "error" }),
    );
  });
});

describe("odd but legal syntax", () => {
  const text = readFixture("odd-syntax.ini");

  test.each([
    ["LF", text],
    ["CRLF", text.replace(/\n/g, "\r\n")],
    ["CR only", text.replace(/\n/g, "\r")],
  ])("%s: `:` separators, upper-case keys, quoted names, comments and whitespace", (_, t) => {
    const config = parse(t);
    expect(config.problems.filter((p) => p.severity === "error")).toEqual([]);
    expect(findProfile(config, "spaced")).toMatchObject({
      kind: "sso",
      sessionName: "Upper",
      startUrl: "https://upper.awsapps.com/start",
      ssoRegion: "ap-southeast-2",
      accountId: "111122223333",
      roleName: "Dev",
      canRefresh: true,
      usableForTunnels: true,
    });
    expect(findProfile(config, "quoted name")).toMatchObject({
      section: 'profile "quoted name"',
      endpoints: { ssoOidc: "http://127.0.0.1:4566", sso: "http://127.0.0.1:4567", ssm: "http://127.0.0.1:4568" },
    });
    expect(findProfile(config, "single quoted")).toMatchObject({
      style: "legacy",
      tokenCacheKey: "https://legacy.awsapps.com/start#frag",
    });
    expect(findProfile(config, "default")).toMatchObject({ section: "profile default", region: "us-east-2" });
    expect(findProfile(config, "plugins")).toBeUndefined();
  });

  test("inline comments stay in the value, with a warning", () => {
    const config = parse(text);
    expect(findProfile(config, "with.dots@and+signs")?.region).toBe("eu-west-1 # kept as part of the value");
    expect(config.problems).toContainEqual(
      expect.objectContaining({ section: "profile with.dots@and+signs", key: "region", severity: "warning" }),
    );
  });

  test("only [plugins]-style sections without profile keys pass silently", () => {
    const warnings = parse(text).problems.filter((p) => p.severity === "warning");
    expect(warnings.map((p) => p.section)).toEqual([
      "profile with.dots@and+signs",
      'profile "quoted name"',
      "profile 'single quoted'",
    ]);
    // "quoted name" reaches Identity Center through [services local]; "spaced", of the same session, does not.
    expect(warnings[1]).toMatchObject({
      key: "services",
      message: expect.stringMatching(/shares its SSO session with spaced/),
    });
  });
});

describe("small cases", () => {
  test("empty text is an empty model without problems", () => {
    expect(parse("")).toMatchObject({ profiles: [], groups: [], ssoSessions: [], problems: [], exists: true });
  });

  test("[default] and [profile default] both present: the later wins, with a warning", () => {
    const config = parse("[profile default]\nregion = a\n[default]\nregion = b\n");
    expect(config.profiles).toHaveLength(1);
    expect(config.profiles[0].region).toBe("b");
    expect(config.problems[0]).toMatchObject({ severity: "warning", section: "default" });
  });

  test("[DEFAULT] keys reach every section, as in Python's configparser", () => {
    const config = parse("[DEFAULT]\nregion = x\n[profile a]\noutput = json\n");
    expect(findProfile(config, "a")?.region).toBe("x");
    expect(config.problems[0]).toMatchObject({ section: "DEFAULT", severity: "warning" });
  });

  test("a byte-order mark is dropped with a warning", () => {
    const config = parse("\uFEFF[profile a]\nregion = x\n");
    expect(findProfile(config, "a")?.region).toBe("x");
    expect(config.problems[0].message).toMatch(/byte-order mark/);
  });

  test("services = NAME without the section is a warning on the profile", () => {
    const config = parse("[profile a]\nservices = gone\n");
    expect(findProfile(config, "a")?.problems[0]).toMatchObject({ key: "services", severity: "warning" });
  });

  test("parse never throws, whatever the input", () => {
    const inputs = [
      "[",
      "]",
      "[]",
      '[profile "unterminated]\nx=1',
      "=\n",
      ":::\n[a]\n=",
      "\u0000\uFFFF\uD800",
      "[a]\n  \n\t",
    ];
    for (const t of inputs) expect(() => parse(t)).not.toThrow();
  });
});
