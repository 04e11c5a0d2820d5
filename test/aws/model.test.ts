// The typed model for both SSO styles, shared sessions, legacy profiles and role chains.
import { findProfile, groupFor, parseAwsConfig, tokenCacheFile, type AwsConfig, type Profile } from "../../src/lib/aws";
import { readFixture } from "./helpers";

const HOME = "/home/someone";
let config: AwsConfig;
beforeAll(() => {
  config = parseAwsConfig(readFixture("both-styles.ini"), { path: "/home/someone/.aws/config", homeDir: HOME });
});

function get<K extends Profile["kind"]>(name: string, kind: K): Extract<Profile, { kind: K }> {
  const p = findProfile(config, name);
  if (p?.kind !== kind) throw new Error(`${name} is ${p?.kind}, expected ${kind}`);
  return p as Extract<Profile, { kind: K }>;
}

test("sso-session profile resolves start URL and region from its session", () => {
  expect(get("dev", "sso")).toMatchObject({
    style: "sso-session",
    sessionName: "corp",
    startUrl: "https://d-1234567890.awsapps.com/start",
    ssoRegion: "us-east-1",
    accountId: "111122223333",
    roleName: "ReadOnly",
    region: "eu-west-1",
    registrationScopes: ["sso:account:access"],
    canRefresh: true,
    canLogin: true,
    tokenCacheKey: "corp",
    tokenCacheFile: tokenCacheFile(HOME, "corp"),
    usableForTunnels: true,
    problems: [],
  });
});

test("scopes are split on commas, trimmed, empty items dropped", () => {
  expect(get("other", "sso").registrationScopes).toEqual(["sso:account:access", "codecatalyst:read_write"]);
  expect(get("same-url-other-session", "sso").registrationScopes).toBeNull();
});

test("a session without sso_registration_scopes refreshes (StormTunnel registers the scope) and warns about the CLI", () => {
  expect(get("same-url-other-session", "sso")).toMatchObject({ canRefresh: true, usableForTunnels: true });
  expect(config.problems).toContainEqual(
    expect.objectContaining({
      section: "sso-session corp-no-scopes",
      key: "sso_registration_scopes",
      severity: "warning",
      message: expect.stringContaining("aws sso login --use-device-code"),
    }),
  );
});

test("a session whose scopes lack sso:account:access cannot refresh for tunnels and says why", () => {
  const other = parseAwsConfig(
    "[sso-session ide]\nsso_start_url = https://d-1.awsapps.com/start\nsso_region = us-east-1\n" +
      "sso_registration_scopes = codewhisperer:completions\n\n[profile ide]\nsso_session = ide\n" +
      "sso_account_id = 111122223333\nsso_role_name = Dev\n",
    { path: "/c", homeDir: HOME },
  );
  expect(findProfile(other, "ide")).toMatchObject({ canRefresh: false });
  expect(other.problems).toContainEqual(
    expect.objectContaining({
      key: "sso_registration_scopes",
      message: expect.stringContaining("lacks sso:account:access"),
    }),
  );
});

test("legacy profiles key the cache on the start URL byte for byte, and StormTunnel's sign-in refreshes them", () => {
  const legacy = get("old-style", "sso");
  expect(legacy).toMatchObject({
    style: "legacy",
    canRefresh: true,
    usableForTunnels: true,
    registrationScopes: null,
  });
  expect(legacy.tokenCacheKey).toBe("https://d-1234567890.awsapps.com/start");
  expect(get("old-trailing-slash", "sso").tokenCacheKey).toBe("https://d-1234567890.awsapps.com/start/");
  expect(legacy.problems).toEqual([
    expect.objectContaining({ severity: "warning", profile: "old-style", message: expect.stringContaining("legacy") }),
  ]);
});

test("profiles sharing a session or a legacy start URL share one group; a different session name is another login", () => {
  const byKey = Object.fromEntries(config.groups.map((g) => [g.tokenCacheKey, g.profiles]));
  expect(byKey).toEqual({
    corp: ["dev", "prod", "bearer", "dev-admin", "dev-admin-deeper"],
    "corp-no-scopes": ["same-url-other-session"],
    "other-org": ["other"],
    "https://d-1234567890.awsapps.com/start": ["old-style", "old-style-2", "legacy-chained"],
    "https://d-1234567890.awsapps.com/start/": ["old-trailing-slash"],
  });
  const corp = config.groups.find((g) => g.tokenCacheKey === "corp");
  expect(corp).toMatchObject({ sessionName: "corp", canRefresh: true, tokenCacheFile: tokenCacheFile(HOME, "corp") });
});

test("bearer-only profiles are SSO and can log in, but are not usable for tunnels", () => {
  const bearer = get("bearer", "sso");
  expect(bearer).toMatchObject({ canLogin: true, usableForTunnels: false, accountId: undefined, roleName: undefined });
  expect(bearer.reason).toMatch(/bearer-token/);
  expect(bearer.problems.filter((p) => p.severity === "error")).toEqual([]);
});

test("role chains resolve to their SSO root over several hops, with the AssumeRole hops from the root outwards", () => {
  const admin = get("dev-admin", "role-chained");
  expect(admin).toMatchObject({
    roleArn: "arn:aws:iam::444455556666:role/Admin",
    sourceProfile: "dev",
    ssoProfile: "dev",
    chain: ["dev-admin", "dev"],
    chainRegion: "eu-west-1", // dev's: the nearest region down the chain
    usableForTunnels: true,
    hops: [{ profile: "dev-admin", roleArn: "arn:aws:iam::444455556666:role/Admin", region: "eu-west-1" }],
  });
  expect(admin.reason).toBeUndefined();
  expect(get("dev-admin-deeper", "role-chained")).toMatchObject({
    ssoProfile: "dev",
    chain: ["dev-admin-deeper", "dev-admin", "dev"],
    usableForTunnels: true,
    hops: [
      { profile: "dev-admin", roleArn: "arn:aws:iam::444455556666:role/Admin" },
      { profile: "dev-admin-deeper", roleArn: "arn:aws:iam::999988887777:role/Deeper", roleSessionName: "me" },
    ],
  });
  expect(groupFor(config, "dev-admin-deeper")?.tokenCacheKey).toBe("corp");
  expect(groupFor(config, "legacy-chained")?.tokenCacheKey).toBe("https://d-1234567890.awsapps.com/start");
});

test("a chain rooted in static keys has no SSO root and no group", () => {
  const chained = get("keys-chained", "role-chained");
  expect(chained.ssoProfile).toBeUndefined();
  expect(chained.reason).toMatch(/ends in profile keys, which uses static access keys/);
  expect(groupFor(config, "keys-chained")).toBeUndefined();
});

test("other profiles are listed with the reason they cannot open tunnels", () => {
  const reasons = Object.fromEntries(
    config.profiles.filter((p) => p.kind === "other").map((p) => [p.name, p.kind === "other" && p.reason]),
  );
  expect(reasons).toEqual({
    default: expect.stringMatching(/no credentials/),
    keys: expect.stringMatching(/static access keys/),
    process: expect.stringMatching(/credential_process/),
    web: expect.stringMatching(/web identity/),
  });
  expect(get("instance-role", "role-chained").reason).toMatch(/credential_source Ec2InstanceMetadata/);
});

test("profiles keep file order; unknown names find nothing", () => {
  expect(config.profiles.slice(0, 3).map((p) => p.name)).toEqual(["default", "dev", "prod"]);
  expect(findProfile(config, "nope")).toBeUndefined();
  expect(groupFor(config, "nope")).toBeUndefined();
  expect(groupFor(config, "keys")).toBeUndefined();
  expect(groupFor(config, "prod")?.profiles).toContain("prod");
});

describe("role chain settings", () => {
  const chains = parseAwsConfig(
    [
      "[sso-session corp]",
      "sso_start_url = https://d-1.awsapps.com/start",
      "sso_region = us-east-1",
      "[profile hub]",
      "sso_session = corp",
      "sso_account_id = 111122223333",
      "sso_role_name = Hub",
      "[profile app]",
      "role_arn = arn:aws:iam::444455556666:role/App",
      "source_profile = hub",
      "role_session_name = alice",
      "duration_seconds = 900",
      "external_id = ext-1",
      "region = eu-central-1",
      "[profile app-db]",
      "role_arn = arn:aws:iam::777788889999:role/Db",
      "source_profile = app",
      "[profile mfa]",
      "role_arn = arn:aws:iam::444455556666:role/App",
      "source_profile = hub",
      "mfa_serial = arn:aws:iam::111122223333:mfa/alice",
      "[profile after-mfa]",
      "role_arn = arn:aws:iam::777788889999:role/Db",
      "source_profile = mfa",
      "[profile long]",
      "role_arn = arn:aws:iam::444455556666:role/App",
      "source_profile = hub",
      "duration_seconds = 43200",
      "[profile sloppy]",
      "role_arn = arn:aws:iam::444455556666:role/App",
      "source_profile = hub",
      "duration_seconds = 1h",
      "[profile proc]",
      "credential_process = /bin/creds",
      "[profile from-proc]",
      "role_arn = arn:aws:iam::444455556666:role/App",
      "source_profile = proc",
      "[profile env-role]",
      "role_arn = arn:aws:iam::444455556666:role/App",
      "credential_source = Environment",
    ].join("\n"),
    { path: "/c", homeDir: HOME },
  );
  const chained = (name: string) => {
    const p = findProfile(chains, name);
    if (p?.kind !== "role-chained") throw new Error(`${name} is ${p?.kind}`);
    return p;
  };

  test("role_session_name, duration_seconds, external_id and region travel with each hop", () => {
    expect(chained("app").hops).toEqual([
      {
        profile: "app",
        roleArn: "arn:aws:iam::444455556666:role/App",
        roleSessionName: "alice",
        durationSeconds: 900,
        externalId: "ext-1",
        region: "eu-central-1",
      },
    ]);
    // A hop without a region of its own uses the chain's (the nearest one down from the top).
    expect(chained("app-db")).toMatchObject({ chainRegion: "eu-central-1", usableForTunnels: true });
    expect(chained("app-db").hops.map((h) => [h.profile, h.region])).toEqual([
      ["app", "eu-central-1"],
      ["app-db", "eu-central-1"],
    ]);
    // No region anywhere: STS is called in the SSO region.
    expect(chained("long").hops[0].region).toBe("us-east-1");
  });

  test("mfa_serial anywhere in the chain makes it unusable for tunnels, with the reason", () => {
    for (const name of ["mfa", "after-mfa"]) {
      expect(chained(name)).toMatchObject({
        usableForTunnels: false,
        reason:
          "profile mfa needs an MFA code (mfa_serial) to assume its role, which a background tunnel cannot ask for",
      });
    }
  });

  test("credential_process and credential_source chains are listed with why, not dropped", () => {
    expect(chained("from-proc")).toMatchObject({
      usableForTunnels: false,
      reason: "role chain ends in profile proc, which uses credential_process, not SSO",
    });
    expect(chained("env-role")).toMatchObject({
      usableForTunnels: false,
      reason: "role chain ends in credential_source Environment, not in an SSO profile",
    });
    expect(findProfile(chains, "proc")).toMatchObject({ kind: "other", reason: "uses credential_process, not SSO" });
  });

  test("duration_seconds STS would refuse, or that is no number, is a warning on that profile", () => {
    expect(chained("long").problems).toEqual([
      expect.objectContaining({
        severity: "warning",
        key: "duration_seconds",
        message: expect.stringContaining("role chaining"),
      }),
    ]);
    expect(chained("long").hops[0].durationSeconds).toBe(43200);
    expect(chained("sloppy").problems).toEqual([
      expect.objectContaining({ severity: "warning", message: expect.stringContaining("ignores it") }),
    ]);
    expect(chained("sloppy").hops[0].durationSeconds).toBeUndefined();
    expect(chained("app").problems).toEqual([]);
  });
});
