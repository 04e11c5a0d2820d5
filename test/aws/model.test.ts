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

test("role chains resolve to their SSO root over several hops", () => {
  expect(get("dev-admin", "role-chained")).toMatchObject({
    roleArn: "arn:aws:iam::444455556666:role/Admin",
    sourceProfile: "dev",
    ssoProfile: "dev",
    chain: ["dev-admin", "dev"],
    usableForTunnels: false,
    reason: "role chaining needs sts:AssumeRole, not supported yet",
  });
  expect(get("dev-admin-deeper", "role-chained")).toMatchObject({
    ssoProfile: "dev",
    chain: ["dev-admin-deeper", "dev-admin", "dev"],
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
