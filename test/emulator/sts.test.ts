// The STS emulator through the real @aws-sdk/client-sts: AssumeRole from portal credentials (role chaining), trust
// policies, external ids, session-length limits, expiry on the emulator clock and SigV4 failures.
import { GetRoleCredentialsCommand, SSOClient } from "@aws-sdk/client-sso";
import { StartSessionCommand } from "@aws-sdk/client-ssm";
import {
  AssumeRoleCommand,
  GetCallerIdentityCommand,
  STSClient,
  type AssumeRoleCommandInput,
} from "@aws-sdk/client-sts";
import { startEmulator, type Emulator } from "./index";
import { issueCredentials, ssmClient, type TestCredentials } from "./support/aws";

const OPERATOR = "arn:aws:iam::444455556666:role/TunnelOperator";
const DEEP = "arn:aws:iam::777788889999:role/DeepOperator";

let emu: Emulator;
const clients: { destroy(): void }[] = [];

beforeEach(async () => {
  emu = await startEmulator();
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  await emu.close();
});

function sts(credentials: TestCredentials, region = "us-east-1"): STSClient {
  const client = new STSClient({ region, endpoint: emu.endpoints.sts, credentials, maxAttempts: 1 });
  clients.push(client);
  return client;
}

/** Portal credentials for Developer in 111122223333, the way a signed-in user gets them. */
async function portalCredentials(): Promise<TestCredentials> {
  const { accessToken } = emu.oidc.seedLogin();
  const sso = new SSOClient({ region: "us-east-1", endpoint: emu.endpoints.sso, maxAttempts: 1 });
  clients.push(sso);
  const out = await sso.send(
    new GetRoleCredentialsCommand({ accessToken, accountId: "111122223333", roleName: "Developer" }),
  );
  const c = out.roleCredentials!;
  return { accessKeyId: c.accessKeyId!, secretAccessKey: c.secretAccessKey!, sessionToken: c.sessionToken! };
}

async function assume(from: TestCredentials, input: Partial<AssumeRoleCommandInput>, region?: string) {
  const out = await sts(from, region).send(
    new AssumeRoleCommand({ RoleArn: OPERATOR, RoleSessionName: "alice", ...input }),
  );
  const c = out.Credentials!;
  return {
    out,
    creds: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! },
  };
}

test("portal credentials assume a role in another account; SSM accepts the new session's credentials", async () => {
  const start = emu.clock.now();
  const { out, creds } = await assume(
    await portalCredentials(),
    { RoleSessionName: "alice@example.com", DurationSeconds: 900 },
    "eu-west-1",
  );
  expect(out.AssumedRoleUser?.Arn).toBe("arn:aws:sts::444455556666:assumed-role/TunnelOperator/alice@example.com");
  expect(out.AssumedRoleUser?.AssumedRoleId).toMatch(/^AROA[A-Z2-7]{17}:alice@example\.com$/);
  expect(out.Credentials?.Expiration?.getTime()).toBeGreaterThanOrEqual(Math.floor(start / 1000) * 1000 + 900_000);
  expect(out.Credentials?.Expiration?.getTime()).toBeLessThanOrEqual(start + 901_000);
  expect(emu.sts.assumed).toEqual([
    expect.objectContaining({
      roleArn: OPERATOR,
      roleSessionName: "alice@example.com",
      durationSeconds: 900,
      region: "eu-west-1",
      callerArn: expect.stringMatching(
        /^arn:aws:sts::111122223333:assumed-role\/AWSReservedSSO_Developer_[0-9a-f]{16}\/stormtunnel-user$/,
      ),
    }),
  ]);

  const who = await sts(creds).send(new GetCallerIdentityCommand({}));
  expect(who).toMatchObject({ Account: "444455556666", Arn: out.AssumedRoleUser?.Arn });
  const ssm = ssmClient(emu, creds);
  clients.push(ssm);
  const session = await ssm.send(
    new StartSessionCommand({
      Target: "i-0123456789abcdef0",
      DocumentName: "AWS-StartPortForwardingSession",
      Parameters: { portNumber: ["22"], localPortNumber: ["0"] },
    }),
  );
  expect(session.SessionId).toMatch(/^alice@example\.com-/);
});

test("a second hop needs the first hop's role: the trust policy names TunnelOperator, not the SSO role", async () => {
  const sso = await portalCredentials();
  await expect(assume(sso, { RoleArn: DEEP })).rejects.toMatchObject({
    name: "AccessDenied",
    $metadata: { httpStatusCode: 403 },
    message: expect.stringMatching(
      /^User: arn:aws:sts::111122223333:assumed-role\/AWSReservedSSO_Developer_[0-9a-f]{16}\/stormtunnel-user is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::777788889999:role\/DeepOperator$/,
    ),
  });
  const { creds: hop1 } = await assume(sso, {});
  const { out } = await assume(hop1, { RoleArn: DEEP, RoleSessionName: "hop2" });
  expect(out.AssumedRoleUser?.Arn).toBe("arn:aws:sts::777788889999:assumed-role/DeepOperator/hop2");
  expect(emu.sts.assumed.map((a) => a.callerArn)).toEqual([
    expect.stringContaining("AWSReservedSSO_Developer_"),
    "arn:aws:sts::444455556666:assumed-role/TunnelOperator/alice",
  ]);
});

test("AccessDenied for unknown roles, untrusted callers and a missing or wrong external id", async () => {
  const sso = await portalCredentials();
  const denied = { name: "AccessDenied", $metadata: { httpStatusCode: 403 } };
  await expect(assume(sso, { RoleArn: "arn:aws:iam::444455556666:role/Nope" })).rejects.toMatchObject(denied);
  const outsider = issueCredentials(emu, { accountId: "444455556666", roleName: "Operator" });
  await expect(assume(outsider, {})).rejects.toMatchObject(denied);
  const partner = "arn:aws:iam::444455556666:role/PartnerAccess";
  await expect(assume(sso, { RoleArn: partner })).rejects.toMatchObject(denied);
  await expect(assume(sso, { RoleArn: partner, ExternalId: "partner-0000" })).rejects.toMatchObject(denied);
  await assume(sso, { RoleArn: partner, ExternalId: "partner-7f3a" });
  expect(emu.sts.assumeRoleCalls).toBe(5);
  expect(emu.sts.assumed).toEqual([expect.objectContaining({ roleArn: partner, externalId: "partner-7f3a" })]);
  expect(emu.log.filter((e) => e.service === "sts").map((e) => e.errorType ?? "ok")).toEqual([
    "AccessDenied",
    "AccessDenied",
    "AccessDenied",
    "AccessDenied",
    "ok",
  ]);
});

test.each<[Partial<AssumeRoleCommandInput>, string]>([
  [{ DurationSeconds: 600 }, "Member must have value greater than or equal to 900"],
  [{ DurationSeconds: 7200 }, "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."],
  [
    { RoleArn: DEEP, DurationSeconds: 7200 },
    "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.",
  ],
  [{ RoleSessionName: "has space" }, "at 'roleSessionName' failed to satisfy constraint"],
  [{ RoleArn: "arn:aws:iam::444455556666:user/Bob" }, "Request ARN is invalid"],
])("ValidationError for %j", async (input, message) => {
  let from = await portalCredentials();
  if (input.RoleArn === DEEP) from = (await assume(from, {})).creds;
  await expect(assume(from, input)).rejects.toMatchObject({
    name: "ValidationError",
    $metadata: { httpStatusCode: 400 },
    message: expect.stringContaining(message),
  });
});

test("credentials expire on the emulator clock; forged and unknown ones are refused", async () => {
  const { creds } = await assume(await portalCredentials(), { DurationSeconds: 900 });
  await expect(sts(creds).send(new GetCallerIdentityCommand({}))).resolves.toMatchObject({ Account: "444455556666" });
  emu.clock.advance(901_000);
  await expect(sts(creds).send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({
    name: "ExpiredToken",
    message: "The security token included in the request is expired",
  });
  const ssm = ssmClient(emu, creds);
  clients.push(ssm);
  await expect(
    ssm.send(
      new StartSessionCommand({ Target: "i-0123456789abcdef0", DocumentName: "AWS-StartPortForwardingSession" }),
    ),
  ).rejects.toMatchObject({ name: "ExpiredTokenException" });

  const fresh = issueCredentials(emu);
  await expect(assume({ ...fresh, secretAccessKey: "wrong" }, {})).rejects.toMatchObject({
    name: "SignatureDoesNotMatch",
  });
  await expect(assume({ ...fresh, accessKeyId: "ASIAUNKNOWN" }, {})).rejects.toMatchObject({
    name: "InvalidClientTokenId",
  });
  expect(emu.sts.assumed).toHaveLength(1);
});
