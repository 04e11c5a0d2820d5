// Role-chain credentials against the emulator through the real SSO and STS SDK clients: one AssumeRole per hop with
// the profile's settings, links kept until 5 minutes before they expire and renewed then, a refused link fetched
// anew once, and errors that say which profile and role.
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import type { RoleHop } from "../../src/lib/aws";
import { SsoError } from "../../src/lib/sso/errors";
import { ProfileCredentials, type CredentialChain } from "../../src/lib/sso/profile-credentials";
import { clearRoleCredentials, type RoleCredentials } from "../../src/lib/sso/role-credentials";
import { startEmulator, type Emulator } from "../emulator";

const MIN = 60_000;
const OPERATOR = "arn:aws:iam::444455556666:role/TunnelOperator";
const DEEP = "arn:aws:iam::777788889999:role/DeepOperator";
const ROOT: CredentialChain["root"] = {
  name: "hub",
  accountId: "111122223333",
  roleName: "Developer",
  ssoRegion: "us-east-1",
  tokenCacheKey: "profile-credentials-test",
};

let emu: Emulator;
let token: string;

beforeEach(async () => {
  emu = await startEmulator();
  token = emu.oidc.seedLogin().accessToken;
});
afterEach(async () => {
  clearRoleCredentials(ROOT.tokenCacheKey);
  await emu.close();
});

function chain(hops: RoleHop[]): ProfileCredentials {
  return new ProfileCredentials(
    { root: ROOT, hops },
    { accessToken: async () => token, endpoints: emu.endpoints, now: () => emu.clock.now() },
  );
}

const hop = (over: Partial<RoleHop> = {}): RoleHop => ({
  profile: "app",
  roleArn: OPERATOR,
  region: "us-east-1",
  ...over,
});

async function whoAmI(c: RoleCredentials): Promise<string | undefined> {
  const sts = new STSClient({ region: "us-east-1", endpoint: emu.endpoints.sts, credentials: c, maxAttempts: 1 });
  try {
    return (await sts.send(new GetCallerIdentityCommand({}))).Arn;
  } finally {
    sts.destroy();
  }
}

const portalCalls = () => emu.log.filter((e) => e.operation === "GetRoleCredentials" && e.status === 200).length;

test("an SSO profile alone: portal credentials, no STS", async () => {
  const creds = await chain([]).get();
  expect(emu.directory.credentials.get(creds.accessKeyId)).toMatchObject({ roleName: "Developer" });
  expect(emu.sts.assumeRoleCalls).toBe(0);
});

test("two hops with the profiles' session name, duration, region; cached, then renewed 5 minutes before expiry", async () => {
  const creds = chain([
    hop({ roleSessionName: "alice", durationSeconds: 900, region: "eu-west-1" }),
    hop({ profile: "app-deep", roleArn: DEEP }),
  ]);
  const first = await creds.get();
  expect(await whoAmI(first)).toMatch(/^arn:aws:sts::777788889999:assumed-role\/DeepOperator\/stormtunnel-\d+$/);
  expect(emu.sts.assumed).toEqual([
    expect.objectContaining({ roleArn: OPERATOR, roleSessionName: "alice", durationSeconds: 900, region: "eu-west-1" }),
    expect.objectContaining({
      roleArn: DEEP,
      durationSeconds: 3600,
      callerArn: "arn:aws:sts::444455556666:assumed-role/TunnelOperator/alice",
    }),
  ]);

  emu.clock.advance(9 * MIN);
  expect(await creds.get()).toBe(first);
  expect(emu.sts.assumeRoleCalls).toBe(2);

  // 5 minutes left on the first hop: it is renewed, and the second hop, assumed from it, follows.
  emu.clock.advance(1 * MIN + 1000);
  const renewed = await creds.get();
  expect(renewed.accessKeyId).not.toBe(first.accessKeyId);
  expect(emu.sts.assumeRoleCalls).toBe(4);
  expect(portalCalls()).toBe(1); // the SSO role credentials (1 hour) were still good
  emu.clock.advance(6 * MIN); // past the first set's expiry
  expect(await whoAmI(renewed)).toMatch(/DeepOperator/);
});

test("concurrent callers share one resolution", async () => {
  const creds = chain([hop()]);
  const all = await Promise.all([creds.get(), creds.get(), creds.get()]);
  expect(new Set(all.map((c) => c.accessKeyId)).size).toBe(1);
  expect(emu.sts.assumeRoleCalls).toBe(1);
});

test("a new SSO token (refresh, sign-in) means fresh credentials along the whole chain", async () => {
  const creds = chain([hop()]);
  const first = await creds.get();
  token = emu.oidc.seedLogin().accessToken;
  const second = await creds.get();
  expect(second.accessKeyId).not.toBe(first.accessKeyId);
  expect(portalCalls()).toBe(2);
  expect(emu.sts.assumeRoleCalls).toBe(2);
});

test("STS refusing a link that looks valid (revoked there): the chain is fetched anew once", async () => {
  const creds = chain([hop(), hop({ profile: "app-deep", roleArn: DEEP, durationSeconds: 900 })]);
  await creds.get();
  const firstHop = emu.sts.assumed[0].accessKeyId;
  emu.directory.credentials.delete(firstHop); // the first role session is gone at AWS
  emu.clock.advance(11 * MIN); // the second hop needs renewing; the first still looks good for 49 minutes
  const again = await creds.get();
  const refusals = emu.log.filter((e) => e.operation === "AssumeRole" && e.errorType === "InvalidClientTokenId");
  expect(refusals).toHaveLength(1);
  expect(portalCalls()).toBe(2);
  expect(emu.sts.assumeRoleCalls).toBe(5); // 2, the refused one, then 2 again
  expect(await whoAmI(again)).toMatch(/DeepOperator/);
});

test("errors name the profile and role and say what to do", async () => {
  const denied = await chain([hop({ profile: "deep-direct", roleArn: DEEP })])
    .get()
    .catch((e: unknown) => e);
  expect(denied).toBeInstanceOf(SsoError);
  expect(denied).toMatchObject({ kind: "permission", code: "AccessDenied" });
  expect((denied as Error).message).toMatch(
    /^STS refused to let profile deep-direct assume arn:aws:iam::777788889999:role\/DeepOperator: User: arn:aws:sts::111122223333:assumed-role\/AWSReservedSSO_Developer_\w+\/stormtunnel-user is not authorized/,
  );

  const tooLong = await chain([hop({ durationSeconds: 7200 })])
    .get()
    .catch((e: unknown) => e);
  expect(tooLong).toMatchObject({ kind: "config", code: "ValidationError" });
  expect((tooLong as Error).message).toContain("Set duration_seconds between 900 and 3600 in [profile app]");

  const partner = "arn:aws:iam::444455556666:role/PartnerAccess";
  await expect(chain([hop({ roleArn: partner })]).get()).rejects.toMatchObject({ kind: "permission" });
  const ok = await chain([hop({ roleArn: partner, externalId: "partner-7f3a" })]).get();
  expect(await whoAmI(ok)).toMatch(/PartnerAccess/);
  expect(emu.sts.assumed.at(-1)).toMatchObject({ externalId: "partner-7f3a" });
});
