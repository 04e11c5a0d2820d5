// SDK clients: endpoint order (explicit > AWS_ENDPOINT_URL_<SERVICE> > AWS_ENDPOINT_URL > SDK default), attempts,
// and no settings or credentials picked up from a shared config file behind our back.
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DescribeInstancesCommand } from "@aws-sdk/client-ec2";
import { DescribeInstanceInformationCommand } from "@aws-sdk/client-ssm";
import { GetRoleCredentialsCommand } from "@aws-sdk/client-sso";
import { CreateTokenCommand, SSOOIDCClient } from "@aws-sdk/client-sso-oidc";
import {
  ec2Client,
  endpointsFromEnv,
  resolveEndpoints,
  ssmClient,
  ssoClient,
  ssoOidcClient,
} from "../../src/lib/aws/clients";
import { tempHome } from "./helpers";

const CREDS = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret", sessionToken: "token" };

describe("endpoint resolution", () => {
  test("AWS_ENDPOINT_URL_<SERVICE> beats AWS_ENDPOINT_URL; unset services stay unset", () => {
    expect(endpointsFromEnv({})).toEqual({});
    expect(
      endpointsFromEnv({
        AWS_ENDPOINT_URL: "http://all:1",
        AWS_ENDPOINT_URL_SSO_OIDC: "http://oidc:2",
        AWS_ENDPOINT_URL_EC2: "",
      }),
    ).toEqual({
      ssoOidc: "http://oidc:2",
      sso: "http://all:1",
      ssm: "http://all:1",
      ec2: "http://all:1",
      sts: "http://all:1",
    });
    expect(endpointsFromEnv({ AWS_ENDPOINT_URL_SSO: "http://sso:3", AWS_ENDPOINT_URL_SSM: "http://ssm:4" })).toEqual({
      sso: "http://sso:3",
      ssm: "http://ssm:4",
    });
  });

  test("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true turns them off, as in the SDK", () => {
    expect(endpointsFromEnv({ AWS_ENDPOINT_URL: "http://all:1", AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "TRUE" })).toEqual(
      {},
    );
  });

  test("explicit endpoints win per service over the environment", () => {
    const env = { AWS_ENDPOINT_URL: "http://all:1", AWS_ENDPOINT_URL_SSM: "http://ssm:4" };
    expect(resolveEndpoints({ ssm: "http://mine:9" }, env)).toEqual({
      ssoOidc: "http://all:1",
      sso: "http://all:1",
      ssm: "http://mine:9",
      ec2: "http://all:1",
      sts: "http://all:1",
    });
    expect(resolveEndpoints(undefined, {})).toEqual({});
  });

  test("the profile's configured endpoints come after the environment", () => {
    const configured = { endpoints: { ssoOidc: "http://cfg:1", sso: "http://cfg:2", ssm: "http://cfg:3" } };
    expect(resolveEndpoints({ ssm: "http://mine:9" }, { AWS_ENDPOINT_URL_SSO: "http://env:5" }, configured)).toEqual({
      ssoOidc: "http://cfg:1",
      sso: "http://env:5",
      ssm: "http://mine:9",
    });
    expect(resolveEndpoints(undefined, { AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "true" }, configured)).toEqual({});
  });
});

/** Sends one call through a stub transport; returns the requests the SDK tried to send. */
async function attempts(client: { config: unknown; send: (c: never) => Promise<unknown> }, command: unknown) {
  const seen: { hostname: string; port?: number; headers: Record<string, string> }[] = [];
  (client.config as { requestHandler: unknown }).requestHandler = {
    handle: async (request: { hostname: string; port?: number; headers: Record<string, string> }) => {
      seen.push(request);
      throw Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }); // transient: retried if allowed
    },
  };
  await expect(client.send(command as never)).rejects.toThrow("socket hang up");
  return seen;
}

describe("clients", () => {
  const saved = { ...process.env };
  let home: string;
  let cleanup: () => void;

  beforeEach(() => {
    ({ home, cleanup } = tempHome());
    // A shared config that would change every client if the SDK read it.
    const marker = join(home, "credential-process-ran");
    writeFileSync(
      join(home, "config"),
      [
        "[default]",
        "region = eu-north-1",
        "endpoint_url = http://poison.invalid",
        "use_fips_endpoint = true",
        "use_dualstack_endpoint = true",
        "max_attempts = 9",
        "retry_mode = adaptive",
        "defaults_mode = in-region",
        "sdk_ua_app_id = poison-app",
        `credential_process = sh -c 'touch ${marker}'`,
        "",
      ].join("\n"),
    );
    for (const k of Object.keys(process.env)) if (k.startsWith("AWS_")) delete process.env[k];
    process.env.HOME = home;
    process.env.AWS_CONFIG_FILE = join(home, "config");
    process.env.AWS_SHARED_CREDENTIALS_FILE = join(home, "credentials");
  });
  afterEach(() => {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
    cleanup();
  });

  test("control: a bare SDK client does read the poisoned shared config", async () => {
    const bare = new SSOOIDCClient({ region: "us-east-1" });
    const command = new CreateTokenCommand({ clientId: "c", clientSecret: "s", grantType: "refresh_token" });
    // use_fips_endpoint and endpoint_url both came from the file.
    await expect(bare.send(command)).rejects.toThrow("FIPS and custom endpoint are not supported");
  });

  test("SSO OIDC: SDK default endpoint for the region, one attempt, nothing from the shared config", async () => {
    const seen = await attempts(
      ssoOidcClient("us-east-1", {}),
      new CreateTokenCommand({ clientId: "c", clientSecret: "s", grantType: "refresh_token", refreshToken: "r" }),
    );
    expect(seen.map((r) => r.hostname)).toEqual(["oidc.us-east-1.amazonaws.com"]);
    expect(JSON.stringify(seen[0].headers)).not.toContain("poison-app");
    expect(seen[0].headers.authorization).toBeUndefined();
    expect(existsSync(join(home, "credential-process-ran"))).toBe(false);
  });

  test("SSO portal: unsigned, two attempts, explicit endpoint", async () => {
    const seen = await attempts(
      ssoClient("eu-west-1", { sso: "http://127.0.0.1:4567" }),
      new GetRoleCredentialsCommand({ accessToken: "t", accountId: "111122223333", roleName: "R" }),
    );
    expect(seen.map((r) => `${r.hostname}:${r.port}`)).toEqual(["127.0.0.1:4567", "127.0.0.1:4567"]);
    expect(seen[0].headers.authorization).toBeUndefined();
    expect(seen[0].headers["x-amz-sso_bearer_token"]).toBe("t");
    expect(existsSync(join(home, "credential-process-ran"))).toBe(false);
  });

  test("SSM and EC2: signed with the given credentials, three attempts, default endpoints", async () => {
    const ssm = await attempts(ssmClient("eu-west-1", CREDS, {}), new DescribeInstanceInformationCommand({}));
    expect(ssm.map((r) => r.hostname)).toEqual(Array(3).fill("ssm.eu-west-1.amazonaws.com"));
    expect(ssm[0].headers.authorization).toContain("Credential=AKIDEXAMPLE/");
    const ec2 = await attempts(ec2Client("eu-west-1", CREDS, {}), new DescribeInstancesCommand({}));
    expect(ec2.map((r) => r.hostname)).toEqual(Array(3).fill("ec2.eu-west-1.amazonaws.com"));
    expect(existsSync(join(home, "credential-process-ran"))).toBe(false);
  });

  test("without an endpoints argument the process environment decides, service variable first", async () => {
    process.env.AWS_ENDPOINT_URL = "http://127.0.0.1:1111";
    process.env.AWS_ENDPOINT_URL_SSO_OIDC = "http://127.0.0.1:2222";
    const oidc = await attempts(
      ssoOidcClient("us-east-1"),
      new CreateTokenCommand({ clientId: "c", clientSecret: "s", grantType: "refresh_token", refreshToken: "r" }),
    );
    expect(oidc.map((r) => r.port)).toEqual([2222]);
    const ssm = await attempts(ssmClient("us-east-1", CREDS), new DescribeInstanceInformationCommand({}));
    expect(ssm[0].port).toBe(1111);
  });
});
