// The control endpoint as a script drives it: `npm run emulator` in its own process, plain HTTP + JSON from here,
// against what the real SDK clients and a data-channel client then see.
import { request } from "node:http";
import { join } from "node:path";
import {
  CreateTokenCommand,
  RegisterClientCommand,
  SSOOIDCClient,
  StartDeviceAuthorizationCommand,
} from "@aws-sdk/client-sso-oidc";
import { GetRoleCredentialsCommand, SSOClient } from "@aws-sdk/client-sso";
import { SSMClient, StartSessionCommand } from "@aws-sdk/client-ssm";
import { MessageType } from "../../src/lib/ssm/message";
import { cleanUpEmulatorProcesses, startEmulatorProcess } from "./support/cli-process";
import { SpecClient } from "./support/spec-client";

jest.setTimeout(60_000);

const region = "us-east-1";
let endpoints: Record<string, string | number>;
let oidc: SSOOIDCClient;
const clients: SpecClient[] = [];

beforeEach(async () => {
  const run = startEmulatorProcess((dir) => ["--endpoints-file", join(dir, "endpoints.json")]);
  endpoints = await run.endpoints();
  oidc = new SSOOIDCClient({ region, endpoint: endpoints.ssoOidc as string, maxAttempts: 1 });
});
afterEach(async () => {
  oidc.destroy();
  for (const c of clients.splice(0)) await c.close();
  cleanUpEmulatorProcesses();
});

/** One control call, as curl would make it. */
async function control(method: string, path: string, body?: unknown) {
  const res = await fetch(`${endpoints.control}${path}`, {
    method,
    headers: method === "GET" ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & { result?: unknown } };
}

/** The first log entry of an operation, once the emulator has logged it (it logs a close after the client sees it). */
async function logged(operation: string): Promise<{ operation: string; request?: Record<string, unknown> }> {
  for (let i = 0; i < 100; i++) {
    const log = (await control("GET", "/log")).body as unknown as {
      operation: string;
      request?: Record<string, unknown>;
    }[];
    const entry = log.find((e) => e.operation === operation);
    if (entry) return entry;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no ${operation} in the log`);
}

async function startDeviceLogin() {
  const reg = await oidc.send(
    new RegisterClientCommand({ clientName: "script", clientType: "public", scopes: ["sso:account:access"] }),
  );
  const dev = await oidc.send(
    new StartDeviceAuthorizationCommand({
      clientId: reg.clientId,
      clientSecret: reg.clientSecret,
      startUrl: "https://d-0000000000.awsapps.com/start",
    }),
  );
  const poll = () =>
    oidc.send(
      new CreateTokenCommand({
        clientId: reg.clientId,
        clientSecret: reg.clientSecret,
        grantType: "urn:ietf:params:oauth:grant-type:device_code",
        deviceCode: dev.deviceCode,
      }),
    );
  return { userCode: dev.userCode!, poll };
}

test("GET / describes the emulator: endpoints, instance ids, knobs and every control", async () => {
  const { status, body } = await control("GET", "/");
  expect(status).toBe(200);
  expect(body.endpoints).toMatchObject({ ssm: endpoints.ssm, ssoOidc: endpoints.ssoOidc });
  expect((body.instances as { instanceId: string }[]).map((i) => i.instanceId)).toContain("i-0123456789abcdef0");
  expect(body.knobs).toMatchObject({ pacing: true });
  const controls = body.controls as Record<string, { methods: string[]; fields: string[] }>;
  expect(controls.oidc.methods).toEqual(expect.arrayContaining(["approve", "deny", "pending", "endIdpSessions"]));
  expect(controls.dataChannel.methods).toEqual(expect.arrayContaining(["closeSocket", "endSession", "sessions"]));
  expect(controls.dataChannel.fields).toEqual(expect.arrayContaining(["timing", "behaviour"]));
  expect(controls.clock.methods).toEqual(expect.arrayContaining(["advance", "now"]));
});

test("approve and deny a pending device login", async () => {
  const first = await startDeviceLogin();
  await expect(first.poll()).rejects.toMatchObject({ name: "AuthorizationPendingException" });
  const pending = await control("POST", "/oidc/pending");
  expect(pending.body.result).toEqual([expect.objectContaining({ kind: "device", key: first.userCode })]);
  expect((await control("POST", "/oidc/approve", [first.userCode])).body.result).toEqual({
    kind: "device",
    userCode: first.userCode,
  });
  expect((await first.poll()).accessToken).toBeTruthy();

  const second = await startDeviceLogin();
  expect((await control("POST", "/oidc/deny", [second.userCode])).status).toBe(200);
  await expect(second.poll()).rejects.toMatchObject({ name: "AccessDeniedException" });
  const nothing = await control("POST", "/oidc/approve", ["NOPE-NOPE"]);
  expect(nothing).toEqual({
    status: 400,
    body: { error: "no pending authorization with state or user code NOPE-NOPE" },
  });
});

test("knobs, faults and the clock change what clients see", async () => {
  expect((await control("PATCH", "/knobs", { autoApprove: true, accessTokenTtlSeconds: 120 })).body).toMatchObject({
    autoApprove: true,
    accessTokenTtlSeconds: 120,
  });
  expect(await control("PATCH", "/knobs", { accessTokenTtlSeconds: "soon" })).toEqual({
    status: 400,
    body: { error: 'knobs.accessTokenTtlSeconds must be a number, got "soon"' },
  });
  expect((await control("PATCH", "/knobs", { noSuchKnob: 1 })).status).toBe(400);

  const fault = { service: "sso-oidc", operation: "CreateToken", times: 1, status: 500 };
  expect((await control("POST", "/faults", fault)).status).toBe(200);
  const login = await startDeviceLogin();
  await expect(login.poll()).rejects.toMatchObject({ $metadata: { httpStatusCode: 500 } });
  const token = await login.poll(); // the fault was used up; autoApprove answers at once
  expect(token.expiresIn).toBe(120);
  const log = (await control("GET", "/log")).body as unknown as { fault?: string; operation: string }[];
  expect(log.filter((e) => e.fault)).toEqual([expect.objectContaining({ operation: "CreateToken" })]);

  await control("POST", "/faults", { service: "sso", status: 503, errorType: "ServiceUnavailableException" });
  const portal = new SSOClient({ region, endpoint: endpoints.sso as string, maxAttempts: 1 });
  const creds = () =>
    portal.send(
      new GetRoleCredentialsCommand({
        accessToken: token.accessToken,
        accountId: "111122223333",
        roleName: "Developer",
      }),
    );
  await expect(creds()).rejects.toMatchObject({ $metadata: { httpStatusCode: 503 } });
  await expect(creds()).rejects.toMatchObject({ $metadata: { httpStatusCode: 503 } }); // no "times": until cleared
  expect((await control("DELETE", "/faults")).status).toBe(200);
  expect((await creds()).roleCredentials?.accessKeyId).toMatch(/^ASIA/);

  const before = (await control("GET", "/")).body.clock as { now: number };
  const after = (await control("POST", "/clock/advance", { seconds: 121 })).body as { now: number };
  expect(after.now - before.now).toBeGreaterThanOrEqual(121_000);
  await expect(creds()).rejects.toMatchObject({ name: "UnauthorizedException" }); // the 120 s token ran out
  portal.destroy();
});

test("data channel: settings, socket drops and session ends through the controls", async () => {
  await control("PATCH", "/knobs", { autoApprove: true });
  expect((await control("PATCH", "/dataChannel/timing", { keepAliveIntervalMs: 500 })).body).toMatchObject({
    keepAliveIntervalMs: 500,
  });
  expect((await control("PATCH", "/dataChannel/behaviour", { closeAfterHandshakeMs: 60_000 })).body).toEqual({
    handshake: "normal",
    closeAfterHandshakeMs: 60_000,
  });
  expect((await control("PATCH", "/dataChannel/behaviour", { closeAfterHandshakeMs: null })).body).toEqual({
    handshake: "normal",
  });

  const token = await (await startDeviceLogin()).poll();
  const portal = new SSOClient({ region, endpoint: endpoints.sso as string, maxAttempts: 1 });
  const { roleCredentials: rc } = await portal.send(
    new GetRoleCredentialsCommand({ accessToken: token.accessToken, accountId: "111122223333", roleName: "Developer" }),
  );
  portal.destroy();
  const ssm = new SSMClient({
    region,
    endpoint: endpoints.ssm as string,
    maxAttempts: 1,
    credentials: {
      accessKeyId: rc!.accessKeyId!,
      secretAccessKey: rc!.secretAccessKey!,
      sessionToken: rc!.sessionToken,
    },
  });
  async function connected() {
    const session = await ssm.send(
      new StartSessionCommand({
        Target: "i-0123456789abcdef0",
        DocumentName: "AWS-StartPortForwardingSession",
        Parameters: { portNumber: ["80"] },
      }),
    );
    const client = new SpecClient(session.StreamUrl!);
    clients.push(client);
    await client.open(session.TokenValue!);
    await client.handshake();
    return { sessionId: session.SessionId!, client };
  }
  const dropped = await connected();
  const ended = await connected();
  ssm.destroy();

  expect((await control("POST", "/dataChannel/closeSocket", [{ sessionId: dropped.sessionId }])).body.result).toBe(1);
  await dropped.client.waitFor(() => dropped.client.closeEvents[0]);
  expect(dropped.client.closeEvents[0]).toEqual({ code: 1000, reason: "Bye" });
  // The request log keeps the WebSocket close code (it is no OAuth code).
  expect((await logged("socket-closed")).request).toMatchObject({ code: 1000, reason: "Bye" });

  const result = await control("POST", "/dataChannel/endSession", [ended.sessionId, "ended by a script"]);
  expect(result.body.result).toBe(true);
  const closed = await ended.client.waitForType(MessageType.ChannelClosed);
  expect(JSON.parse(closed.payload.toString())).toMatchObject({ Output: "ended by a script" });
  const views = (await control("POST", "/dataChannel/sessions")).body.result as { sessionId: string; ended: boolean }[];
  expect(views).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ sessionId: ended.sessionId, ended: true }),
      expect.objectContaining({ sessionId: dropped.sessionId, ended: false }),
    ]),
  );
});

test("refuses what a web page could send: another Host, or a body that is not JSON", async () => {
  const url = new URL(endpoints.control as string);
  const res = await new Promise<number>((resolve, reject) => {
    // fetch will not send a foreign Host header; a raw request does, as a DNS-rebinding page would.
    const req = request(
      { host: url.hostname, port: url.port, path: "/knobs", method: "GET", headers: { host: "evil.example" } },
      (r) => {
        r.resume();
        resolve(r.statusCode ?? 0);
      },
    );
    req.on("error", reject);
    req.end();
  });
  expect(res).toBe(403);
  const form = await fetch(`${endpoints.control}/oidc/revokeRefreshTokens`, {
    method: "POST",
    headers: { "content-type": "text/plain" },
    body: "[]",
  });
  expect(form.status).toBe(415);
  expect((await control("POST", "/nowhere/at-all")).status).toBe(404);
});
