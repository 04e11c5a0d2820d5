// Each AWS host on its own listener: a call that reaches the wrong one is refused the way AWS refuses it, through the
// real SDK clients (a client aimed at the wrong endpoint must fail here, as it would against AWS).
import { DescribeInstancesCommand, EC2Client } from "@aws-sdk/client-ec2";
import { DescribeInstanceInformationCommand, SSMClient } from "@aws-sdk/client-ssm";
import { GetRoleCredentialsCommand, SSOClient } from "@aws-sdk/client-sso";
import { RegisterClientCommand, SSOOIDCClient } from "@aws-sdk/client-sso-oidc";
import { createServer, type AddressInfo } from "node:net";
import WebSocket from "ws";
import { ENDPOINT_NAMES } from "./endpoints";
import { startEmulator, type Emulator } from "./index";
import { issueCredentials, ssmClient } from "./support/aws";
import { startPortSession } from "./support/session";

let emu: Emulator;
let accessToken: string;
beforeEach(async () => {
  emu = await startEmulator();
  accessToken = emu.oidc.seedLogin().accessToken;
});
afterEach(() => emu.close());

const region = "us-east-1";
const portal = (endpoint: string) => new SSOClient({ region, endpoint, maxAttempts: 1 });
const roleCredentials = () =>
  new GetRoleCredentialsCommand({ accessToken, accountId: "111122223333", roleName: "Developer" });

/** What the SDK threw: its name, the HTTP status and the raw body it saw. */
async function failure(promise: Promise<unknown>) {
  const err = (await promise.then(
    () => undefined,
    (e: unknown) => e,
  )) as { name: string; $metadata?: { httpStatusCode?: number }; $response?: { body?: unknown } } | undefined;
  if (!err) throw new Error("the call succeeded on the wrong listener");
  return { name: err.name, status: err.$metadata?.httpStatusCode };
}

const lastEntry = () => emu.log[emu.log.length - 1];

test("every endpoint has its own port, and env() names one AWS_ENDPOINT_URL_<SERVICE> each, no catch-all", () => {
  const ports = ENDPOINT_NAMES.map((n) => new URL(emu.endpoints[n]).port);
  expect(new Set(ports).size).toBe(ENDPOINT_NAMES.length);
  expect(emu.env()).toEqual({
    AWS_ENDPOINT_URL_SSO_OIDC: emu.endpoints.ssoOidc,
    AWS_ENDPOINT_URL_SSO: emu.endpoints.sso,
    AWS_ENDPOINT_URL_SSM: emu.endpoints.ssm,
    AWS_ENDPOINT_URL_EC2: emu.endpoints.ec2,
    AWS_ENDPOINT_URL_STS: emu.endpoints.sts,
  });
  expect(emu).not.toHaveProperty("url");
});

test("an SSO portal call on the SSM listener is a 404 UnknownOperationException; on its own host it works", async () => {
  const wrong = portal(emu.endpoints.ssm);
  // What the JS SDK makes of that body, as it would against AWS.
  expect(await failure(wrong.send(roleCredentials()))).toEqual({ name: "SyntaxError", status: 404 });
  wrong.destroy();
  expect(lastEntry()).toMatchObject({
    endpoint: "ssm",
    service: "ssm",
    operation: "UnknownOperation",
    status: 404,
    request: { misdirected: "sso GetRoleCredentials" },
  });
  expect(emu.directory.credentials.size).toBe(0);

  const right = portal(emu.endpoints.sso);
  const out = await right.send(roleCredentials());
  expect(out.roleCredentials?.accessKeyId).toMatch(/^ASIA/);
  right.destroy();
});

test("the raw answer is AWS's: 404, body <UnknownOperationException/>, no error-type header", async () => {
  const res = await fetch(`${emu.endpoints.ssm}/federation/credentials?role_name=Developer&account_id=111122223333`, {
    headers: { "x-amz-sso_bearer_token": accessToken },
  });
  expect(res.status).toBe(404);
  expect(res.headers.get("x-amzn-errortype")).toBeNull();
  expect(res.headers.get("x-amzn-requestid")).toMatch(/^[0-9a-f-]{36}$/);
  expect(await res.text()).toBe("<UnknownOperationException/>\n");
});

test("SSM calls on the portal, OIDC and EC2 listeners are refused; on SSM they work", async () => {
  const creds = issueCredentials(emu);
  const call = new DescribeInstanceInformationCommand({});
  for (const endpoint of [emu.endpoints.sso, emu.endpoints.ssoOidc]) {
    const wrong = new SSMClient({ region, endpoint, credentials: creds, maxAttempts: 1 });
    expect(await failure(wrong.send(call))).toMatchObject({ status: 404 });
    wrong.destroy();
  }
  expect(lastEntry()).toMatchObject({
    endpoint: "ssoOidc",
    status: 404,
    request: { misdirected: "ssm DescribeInstanceInformation" },
  });

  // EC2 speaks the query protocol: a JSON body carries no Action.
  const onEc2 = new SSMClient({ region, endpoint: emu.endpoints.ec2, credentials: creds, maxAttempts: 1 });
  expect(await failure(onEc2.send(call))).toMatchObject({ status: 400 });
  onEc2.destroy();
  expect(lastEntry()).toMatchObject({ endpoint: "ec2", status: 400, errorType: "MissingAction" });

  const ssm = ssmClient(emu, creds);
  expect((await ssm.send(call)).InstanceInformationList?.length).toBeGreaterThan(0);
  ssm.destroy();
});

test("an X-Amz-Target SSM does not have: 400 com.amazon.coral.service#UnknownOperationException, as the SDK names it", async () => {
  const ssm = ssmClient(emu, issueCredentials(emu));
  // The real client and signer, with another service's target (as if a JSON 1.1 client had the wrong endpoint).
  ssm.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { headers: Record<string, string> };
      request.headers["x-amz-target"] = "AWSSecurityTokenServiceV20110615.GetCallerIdentity";
      return next(args);
    },
    { step: "build" },
  );
  expect(await failure(ssm.send(new DescribeInstanceInformationCommand({})))).toEqual({
    name: "UnknownOperationException",
    status: 400,
  });
  ssm.destroy();
  const res = await fetch(emu.endpoints.ssm, {
    method: "POST",
    headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": "AmazonSSO.GetRoleCredentials" },
    body: "{}",
  });
  expect(res.status).toBe(400);
  expect(await res.json()).toEqual({ __type: "com.amazon.coral.service#UnknownOperationException" });
});

test("OIDC calls on the SSM listener and EC2 calls on the SSM and STS listeners are refused", async () => {
  const clients = emu.oidc.clients().length;
  const oidc = new SSOOIDCClient({ region, endpoint: emu.endpoints.ssm, maxAttempts: 1 });
  expect(await failure(oidc.send(new RegisterClientCommand({ clientName: "x", clientType: "public" })))).toMatchObject({
    status: 404,
  });
  oidc.destroy();
  expect(lastEntry()).toMatchObject({ endpoint: "ssm", request: { misdirected: "sso-oidc RegisterClient" } });
  expect(emu.oidc.clients()).toHaveLength(clients);

  const creds = issueCredentials(emu);
  const ec2 = new EC2Client({ region, endpoint: emu.endpoints.ssm, credentials: creds, maxAttempts: 1 });
  expect(await failure(ec2.send(new DescribeInstancesCommand({})))).toMatchObject({ status: 404 });
  ec2.destroy();

  const sts = await fetch(emu.endpoints.sts, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
    body: "Action=DescribeInstances&Version=2016-11-15",
  });
  expect(sts.status).toBe(400);
  const xml = await sts.text();
  expect(xml).toContain("<Code>InvalidAction</Code>");
  expect(xml).toContain("<Message>Could not find operation DescribeInstances for version 2016-11-15</Message>");
});

test("the consent page lives on the OIDC host, the device page on its own host, and neither on the other", async () => {
  const device = await fetch(`${emu.endpoints.device}/?user_code=ABCD-EFGH`);
  expect(device.status).toBe(400); // the page itself: "Invalid code"
  expect(await device.text()).toContain("Invalid code");
  expect((await fetch(`${emu.endpoints.ssoOidc}/?user_code=ABCD-EFGH`)).status).toBe(404);
  expect((await fetch(`${emu.endpoints.ssoOidc}/device`)).status).toBe(404);
  expect((await fetch(`${emu.endpoints.device}/authorize?client_id=x`)).status).toBe(404);
  expect((await fetch(`${emu.endpoints.ssoOidc}/authorize?client_id=x`)).status).toBe(400); // unknown client page
});

test("a data-channel upgrade only succeeds on the ssmmessages listener", async () => {
  const session = await startPortSession(emu, 5432);
  const url = new URL(session.streamUrl);
  expect(url.host).toBe(new URL(emu.endpoints.ssmmessages).host);

  for (const name of ["ssm", "ssoOidc", "sso", "ec2"] as const) {
    const wrong = new URL(session.streamUrl);
    wrong.host = new URL(emu.endpoints[name]).host;
    const status = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(wrong);
      ws.on("unexpected-response", (_req, res) => {
        resolve(res.statusCode ?? 0);
        res.resume();
      });
      ws.on("open", () => reject(new Error(`upgrade accepted on ${name}`)));
      ws.on("error", () => undefined);
    });
    expect(status).toBe(name === "ec2" ? 400 : 404);
    expect(lastEntry()).toMatchObject({ endpoint: name, method: "WS", path: url.pathname });
  }

  const ws = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    ws.on("open", () => resolve());
    ws.on("error", reject);
  });
  ws.terminate();
});

test("faults stay per service: an SSM fault does not touch the portal, and hits only the SSM listener", async () => {
  emu.addFault({ service: "ssm", times: 1, status: 503, errorType: "ServiceUnavailable" });
  const sso = portal(emu.endpoints.sso);
  await sso.send(roleCredentials());
  sso.destroy();
  const ssm = ssmClient(emu, issueCredentials(emu));
  expect(await failure(ssm.send(new DescribeInstanceInformationCommand({})))).toMatchObject({ status: 503 });
  ssm.destroy();
  expect(emu.log.filter((e) => e.fault)).toEqual([
    expect.objectContaining({ endpoint: "ssm", operation: "DescribeInstanceInformation", status: 503 }),
  ]);
});

test("ports: per endpoint, or the first of consecutive ones; a taken port fails the start with EADDRINUSE", async () => {
  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", () => r()));
  const taken = (blocker.address() as AddressInfo).port;
  try {
    await expect(startEmulator({ ports: { sts: taken } })).rejects.toMatchObject({ code: "EADDRINUSE" });
  } finally {
    await new Promise((r) => blocker.close(r));
  }
  const single = await startEmulator({ ports: { ssm: taken } });
  expect(single.endpoints.ssm).toBe(`http://127.0.0.1:${taken}`);
  await single.close();

  // A base port below the ephemeral range; another program may hold one of the seven, so try a few.
  let started: Emulator | undefined;
  for (let i = 0; i < 10 && !started; i++) {
    const base = 20000 + Math.floor(Math.random() * 10000);
    started = await startEmulator({ ports: base }).catch(() => undefined);
    if (started) {
      expect(ENDPOINT_NAMES.map((n) => Number(new URL(started!.endpoints[n]).port))).toEqual(
        ENDPOINT_NAMES.map((_, j) => base + j),
      );
    }
  }
  expect(started).toBeDefined();
  await started!.close();
});
