// The portal emulator driven by the real AWS SDK v3 SSO client, with nothing but an endpoint override.
import {
  GetRoleCredentialsCommand,
  InvalidRequestException,
  ListAccountRolesCommand,
  ListAccountsCommand,
  LogoutCommand,
  paginateListAccounts,
  ResourceNotFoundException,
  SSOClient,
  SSOServiceException,
  TooManyRequestsException,
  UnauthorizedException,
} from "@aws-sdk/client-sso";
import { CreateTokenCommand, InvalidGrantException, SSOOIDCClient } from "@aws-sdk/client-sso-oidc";
import { startEmulator, type Emulator } from "./index";

let emu: Emulator;
let sso: SSOClient;

beforeEach(async () => {
  emu = await startEmulator();
  sso = new SSOClient({ region: "us-east-1", endpoint: emu.endpoints.sso, maxAttempts: 1 });
});
afterEach(async () => {
  sso.destroy();
  await emu.close();
});

const creds = (accessToken: string, accountId = "111122223333", roleName = "Developer") =>
  sso.send(new GetRoleCredentialsCommand({ accessToken, accountId, roleName }));

test("GetRoleCredentials: expiration in epoch milliseconds, recorded for the SSM/EC2 emulator", async () => {
  const { accessToken } = emu.oidc.seedLogin();
  const { roleCredentials } = await creds(accessToken);
  expect(roleCredentials!.accessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
  expect(roleCredentials!.expiration! - Date.now()).toBeGreaterThan(3500_000);
  expect(roleCredentials!.expiration! - Date.now()).toBeLessThan(3700_000);
  expect(emu.directory.credentials.get(roleCredentials!.accessKeyId!)).toMatchObject({
    secretAccessKey: roleCredentials!.secretAccessKey,
    sessionToken: roleCredentials!.sessionToken,
    accountId: "111122223333",
    roleName: "Developer",
  });
  const logged = JSON.stringify(emu.log);
  expect(logged).not.toContain(accessToken);
  expect(logged).not.toContain(roleCredentials!.secretAccessKey);
});

test("401 UnauthorizedException for unknown, expired, ended and wrongly scoped tokens", async () => {
  const err = await creds("not-a-token").catch((e: unknown) => e);
  expect(err).toBeInstanceOf(UnauthorizedException);
  expect(err).toMatchObject({ message: "Session token not found or invalid", $metadata: { httpStatusCode: 401 } });

  emu.knobs.accessTokenTtlSeconds = 60;
  const short = emu.oidc.seedLogin();
  await expect(creds(short.accessToken)).resolves.toBeTruthy();
  emu.clock.advance(61_000);
  await expect(creds(short.accessToken)).rejects.toBeInstanceOf(UnauthorizedException);

  const ended = emu.oidc.seedLogin();
  emu.oidc.endIdpSessions();
  await expect(creds(ended.accessToken)).rejects.toBeInstanceOf(UnauthorizedException);

  const ide = emu.oidc.seedLogin({ scopes: ["codewhisperer:completions"] });
  await expect(creds(ide.accessToken)).rejects.toBeInstanceOf(UnauthorizedException);
});

test("403 ForbiddenException 'No access' for an unassigned role or account", async () => {
  const { accessToken } = emu.oidc.seedLogin();
  for (const [account, role] of [
    ["111122223333", "Admin"],
    ["999999999999", "Developer"],
  ]) {
    const err = await creds(accessToken, account, role).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SSOServiceException);
    expect(err).toMatchObject({ name: "ForbiddenException", message: "No access", $metadata: { httpStatusCode: 403 } });
  }
});

test("ListAccounts and ListAccountRoles page with next_token / max_result", async () => {
  const { accessToken } = emu.oidc.seedLogin();
  const first = await sso.send(new ListAccountsCommand({ accessToken, maxResults: 1 }));
  expect(first.accountList!.map((a) => a.accountId)).toEqual(["111122223333"]);
  expect(first.nextToken).toBeTruthy();
  const second = await sso.send(new ListAccountsCommand({ accessToken, maxResults: 1, nextToken: first.nextToken }));
  expect(second.accountList![0]).toEqual({
    accountId: "444455556666",
    accountName: "Production",
    emailAddress: "prod@example.com",
  });
  expect(second.nextToken).toBeUndefined();

  const all = [];
  for await (const p of paginateListAccounts({ client: sso, pageSize: 1 }, { accessToken }))
    all.push(...p.accountList!);
  expect(all).toHaveLength(2);

  const roles = await sso.send(new ListAccountRolesCommand({ accessToken, accountId: "111122223333" }));
  expect(roles.roleList).toEqual([
    { roleName: "Developer", accountId: "111122223333" },
    { roleName: "ReadOnly", accountId: "111122223333" },
  ]);
  await expect(
    sso.send(new ListAccountRolesCommand({ accessToken, accountId: "000000000000" })),
  ).rejects.toBeInstanceOf(ResourceNotFoundException);
  await expect(sso.send(new ListAccountsCommand({ accessToken, maxResults: 500 }))).rejects.toBeInstanceOf(
    InvalidRequestException,
  );
});

test("Logout invalidates that access token and the login's refresh tokens, not other logins", async () => {
  const mine = emu.oidc.seedLogin();
  const other = emu.oidc.seedLogin();
  await sso.send(new LogoutCommand({ accessToken: mine.accessToken }));
  await expect(creds(mine.accessToken)).rejects.toBeInstanceOf(UnauthorizedException);
  await expect(creds(other.accessToken)).resolves.toBeTruthy();
  const oidc = new SSOOIDCClient({ region: "us-east-1", endpoint: emu.endpoints.ssoOidc, maxAttempts: 1 });
  await expect(
    oidc.send(
      new CreateTokenCommand({
        clientId: mine.clientId,
        clientSecret: mine.clientSecret,
        grantType: "refresh_token",
        refreshToken: mine.refreshToken,
      }),
    ),
  ).rejects.toBeInstanceOf(InvalidGrantException);
  oidc.destroy();
  await expect(sso.send(new LogoutCommand({ accessToken: mine.accessToken }))).rejects.toBeInstanceOf(
    UnauthorizedException,
  );
});

test("429 TooManyRequestsException via the fault knob; the SDK treats it as retryable", async () => {
  const { accessToken } = emu.oidc.seedLogin();
  emu.addFault({
    service: "sso",
    operation: "GetRoleCredentials",
    times: 1,
    status: 429,
    errorType: "TooManyRequestsException",
  });
  const err = await creds(accessToken).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(TooManyRequestsException);
  expect(err).toMatchObject({ $metadata: { httpStatusCode: 429 } });
  const retrying = new SSOClient({ region: "us-east-1", endpoint: emu.endpoints.sso, maxAttempts: 3 });
  emu.addFault({
    service: "sso",
    operation: "GetRoleCredentials",
    times: 1,
    status: 429,
    errorType: "TooManyRequestsException",
  });
  const ok = await retrying.send(
    new GetRoleCredentialsCommand({ accessToken, accountId: "111122223333", roleName: "Developer" }),
  );
  expect(ok.roleCredentials?.accessKeyId).toBeTruthy();
  retrying.destroy();
});
