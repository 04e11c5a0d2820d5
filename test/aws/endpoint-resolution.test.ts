// Which endpoint each AWS call uses (issue 9 item 5), per SDK service id, in botocore's and the JS SDK's order:
// AWS_ENDPOINT_URL_<SERVICE>, AWS_ENDPOINT_URL, the profile's [services] sub-block, the profile's endpoint_url;
// ignore_configured_endpoint_urls / AWS_IGNORE_CONFIGURED_ENDPOINT_URLS switch all four off.
import { findProfile, parseAwsConfig, type AwsConfig } from "../../src/lib/aws";
import { resolveEndpoints } from "../../src/lib/aws/sdk-config";
import { endpointEnvVar, SERVICE_FIELDS, servicesKey } from "../../src/lib/aws/service-ids";

const CONFIG = `[sso-session corp]
sso_start_url = https://d-0000000000.awsapps.com/start
sso_region = us-east-1
sso_registration_scopes = sso:account:access

[services vpc]
sso_oidc =
  endpoint_url = https://oidc.vpc.example
sts =
  endpoint_url = https://sts.vpc.example

[profile both]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = Dev
services = vpc
endpoint_url = https://everything.example

[profile ignoring]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = Dev
services = vpc
ignore_configured_endpoint_urls = true

[profile chained]
role_arn = arn:aws:iam::444455556666:role/Deploy
source_profile = both
endpoint_url = https://chained.example
`;

const parse = (): AwsConfig => parseAwsConfig(CONFIG, { path: "/cfg", homeDir: "/h" });
const profile = (name: string) => findProfile(parse(), name)!;

test("service ids name the variables and [services] keys as the SDKs do", () => {
  expect(SERVICE_FIELDS.map(endpointEnvVar)).toEqual([
    "AWS_ENDPOINT_URL_SSO_OIDC",
    "AWS_ENDPOINT_URL_SSO",
    "AWS_ENDPOINT_URL_SSM",
    "AWS_ENDPOINT_URL_EC2",
    "AWS_ENDPOINT_URL_STS",
  ]);
  expect(SERVICE_FIELDS.map(servicesKey)).toEqual(["sso_oidc", "sso", "ssm", "ec2", "sts"]);
});

test("config only: the [services] sub-block beats the profile's endpoint_url, per service, STS included", () => {
  expect(resolveEndpoints(undefined, {}, profile("both"))).toEqual({
    ssoOidc: "https://oidc.vpc.example",
    sso: "https://everything.example",
    ssm: "https://everything.example",
    ec2: "https://everything.example",
    sts: "https://sts.vpc.example",
  });
});

test("the environment beats the config: service variable, then the global one", () => {
  const env = { AWS_ENDPOINT_URL_SSO_OIDC: "http://env-oidc", AWS_ENDPOINT_URL: "http://env-all" };
  expect(resolveEndpoints(undefined, env, profile("both"))).toEqual({
    ssoOidc: "http://env-oidc",
    sso: "http://env-all",
    ssm: "http://env-all",
    ec2: "http://env-all",
    sts: "http://env-all",
  });
  expect(resolveEndpoints({ sts: "http://explicit" }, env, profile("both")).sts).toBe("http://explicit");
});

test("ignore_configured_endpoint_urls in the profile turns off its endpoints and the environment's", () => {
  const env = { AWS_ENDPOINT_URL: "http://env-all" };
  expect(resolveEndpoints(undefined, env, profile("ignoring"))).toEqual({});
  // Only explicit endpoints (code, not configuration) still apply.
  expect(resolveEndpoints({ ssm: "http://explicit" }, env, profile("ignoring"))).toEqual({ ssm: "http://explicit" });
});

test("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS wins over the profile's setting, either way", () => {
  expect(resolveEndpoints(undefined, { AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "TRUE" }, profile("both"))).toEqual({});
  expect(
    resolveEndpoints(undefined, { AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "false" }, profile("ignoring")).ssoOidc,
  ).toBe("https://oidc.vpc.example");
});

test("a role-chained profile has its own endpoint settings; its SSO session group carries its root's", () => {
  const config = parse();
  expect(resolveEndpoints(undefined, {}, findProfile(config, "chained")).sts).toBe("https://chained.example");
  const group = config.groups.find((g) => g.sessionName === "corp")!;
  expect(group.profiles).toEqual(["both", "ignoring", "chained"]);
  expect(resolveEndpoints(undefined, {}, group).ssoOidc).toBe("https://oidc.vpc.example");
});

test("profiles of one session that reach Identity Center differently get a warning", () => {
  const config = parse();
  expect(findProfile(config, "ignoring")?.problems).toContainEqual(
    expect.objectContaining({ severity: "warning", key: "services", message: expect.stringMatching(/with both/) }),
  );
  expect(findProfile(config, "both")?.problems).toEqual([]);
});
