// The SSM emulator through the real @aws-sdk/client-ssm: the session API, instance information and AWS's errors.
import {
  DescribeInstanceInformationCommand,
  ResumeSessionCommand,
  SSMClient,
  type SSMClientConfig,
  StartSessionCommand,
  TerminateSessionCommand,
} from "@aws-sdk/client-ssm";
import { startEmulator, type Emulator } from "./index";
import { issueCredentials, ssmClient } from "./support/aws";

let emu: Emulator;
beforeEach(async () => {
  emu = await startEmulator();
});
afterEach(() => emu.close());

const forward = (target = "i-0123456789abcdef0") =>
  new StartSessionCommand({
    Target: target,
    DocumentName: "AWS-StartPortForwardingSession",
    Parameters: { portNumber: ["5432"], localPortNumber: ["15432"] },
  });

describe("StartSession", () => {
  it("starts a port-forwarding session with a StreamUrl on the emulator and a token", async () => {
    const ssm = ssmClient(emu, issueCredentials(emu));
    const out = await ssm.send(forward());
    expect(out.SessionId).toMatch(/^stormtunnel-user-[0-9a-f]{17}$/);
    expect(out.TokenValue!.length).toBeGreaterThan(40);
    const url = new URL(out.StreamUrl!);
    expect(url.protocol).toBe("ws:");
    expect(url.host).toBe(new URL(emu.endpoints.ssmmessages).host);
    expect(url.pathname).toBe(`/v1/data-channel/${out.SessionId}`);
    expect(url.searchParams.get("role")).toBe("publish_subscribe");
    expect(url.searchParams.get("cell-number")).toBeTruthy();
    expect(emu.ssm.sessions.get(out.SessionId!)).toMatchObject({
      status: "Connected",
      properties: { portNumber: "5432", type: "LocalPortForwarding", localPortNumber: "15432" },
    });

    const remote = await ssm.send(
      new StartSessionCommand({
        Target: "i-0fedcba9876543210",
        DocumentName: "AWS-StartPortForwardingSessionToRemoteHost",
        Parameters: { portNumber: ["3306"], localPortNumber: ["0"], host: ["db.internal"] },
      }),
    );
    expect(emu.ssm.sessions.get(remote.SessionId!)!.properties).toEqual({
      portNumber: "3306",
      type: "LocalPortForwarding",
      localPortNumber: "0",
      host: "db.internal",
    });
    ssm.destroy();
  });

  it("never logs the token or the credentials", async () => {
    const creds = issueCredentials(emu);
    const ssm = ssmClient(emu, creds);
    const out = await ssm.send(forward());
    await ssm.send(new ResumeSessionCommand({ SessionId: out.SessionId }));
    const log = JSON.stringify(emu.log);
    expect(log).not.toContain(out.TokenValue!);
    expect(log).not.toContain(creds.secretAccessKey);
    expect(log).not.toContain(creds.sessionToken);
    expect(emu.log.filter((e) => e.service === "ssm").map((e) => e.operation)).toEqual([
      "StartSession",
      "ResumeSession",
    ]);
    ssm.destroy();
  });

  it("answers AccessDeniedException for a role without ssm:StartSession, in AWS's words", async () => {
    const ssm = ssmClient(emu, issueCredentials(emu, { roleName: "ReadOnly" }));
    const err = await ssm.send(forward()).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: "AccessDeniedException", $metadata: { httpStatusCode: 400 } });
    expect((err as Error).message).toMatch(
      /^User: arn:aws:sts::111122223333:assumed-role\/AWSReservedSSO_ReadOnly_[0-9a-f]{16}\/[^ ]+ is not authorized to perform: ssm:StartSession on resource: arn:aws:ec2:us-east-1:111122223333:instance\/i-0123456789abcdef0/,
    );
    expect(emu.ssm.sessions.size).toBe(0);
    await expect(
      ssm.send(new TerminateSessionCommand({ SessionId: "someone-0123456789abcdef0" })),
    ).rejects.toMatchObject({
      name: "AccessDeniedException",
      message: expect.stringContaining(
        "is not authorized to perform: ssm:TerminateSession on resource: arn:aws:ssm:us-east-1:111122223333:session/someone-0123456789abcdef0",
      ),
    });
    ssm.destroy();
  });

  it("answers TargetNotConnected for an offline instance and InvalidDocument for other documents", async () => {
    const ssm = ssmClient(emu, issueCredentials(emu));
    await expect(ssm.send(forward("i-0aaaabbbbccccdddd"))).rejects.toMatchObject({
      name: "TargetNotConnected",
      message: "i-0aaaabbbbccccdddd is not connected.",
    });
    await expect(
      ssm.send(new StartSessionCommand({ Target: "i-0123456789abcdef0", DocumentName: "AWS-StartSSHSession" })),
    ).rejects.toMatchObject({ name: "InvalidDocument" });
    ssm.destroy();
  });

  it("rejects unknown keys, expired credentials and bad signatures with AWS's exceptions", async () => {
    const stranger = ssmClient(emu, { accessKeyId: "ASIAUNKNOWN", secretAccessKey: "x", sessionToken: "y" });
    await expect(stranger.send(forward())).rejects.toMatchObject({
      name: "UnrecognizedClientException",
      message: "The security token included in the request is invalid.",
    });
    stranger.destroy();

    const creds = issueCredentials(emu, { ttlMs: 1000 });
    emu.clock.advance(2000);
    const expired = ssmClient(emu, creds);
    await expect(expired.send(forward())).rejects.toMatchObject({ name: "ExpiredTokenException" });
    expired.destroy();

    const forged = ssmClient(emu, { ...issueCredentials(emu), secretAccessKey: "wrong" });
    await expect(forged.send(forward())).rejects.toMatchObject({ name: "InvalidSignatureException" });
    forged.destroy();
    expect(emu.ssm.sessions.size).toBe(0);
  });

  it("rejects a signature scoped to another service", async () => {
    const creds = issueCredentials(emu);
    const wrongScope = new SSMClient({
      region: "us-east-1",
      endpoint: emu.endpoints.ssm,
      credentials: creds,
      maxAttempts: 1,
      signingName: "ec2",
    } as SSMClientConfig);
    await expect(wrongScope.send(forward())).rejects.toMatchObject({
      name: "InvalidSignatureException",
      message: "Credential should be scoped to correct service: 'ssm'. ",
    });
    wrongScope.destroy();
  });
});

describe("ResumeSession and TerminateSession", () => {
  it("issues a new token while the session lives, none after it ended; TerminateSession is idempotent", async () => {
    const ssm = ssmClient(emu, issueCredentials(emu));
    const started = await ssm.send(forward());
    const resumed = await ssm.send(new ResumeSessionCommand({ SessionId: started.SessionId }));
    expect(resumed.SessionId).toBe(started.SessionId);
    expect(resumed.TokenValue).toBeTruthy();
    expect(resumed.TokenValue).not.toBe(started.TokenValue);
    expect(resumed.StreamUrl).toBe(started.StreamUrl);

    for (let i = 0; i < 2; i++) {
      const t = await ssm.send(new TerminateSessionCommand({ SessionId: started.SessionId }));
      expect(t.SessionId).toBe(started.SessionId);
    }
    expect(emu.ssm.sessions.get(started.SessionId!)!.status).toBe("Terminated");
    const after = await ssm.send(new ResumeSessionCommand({ SessionId: started.SessionId }));
    expect(after.TokenValue).toBeUndefined();
    ssm.destroy();
  });

  it("refuses to resume when the control says so", async () => {
    const ssm = ssmClient(emu, issueCredentials(emu));
    const started = await ssm.send(forward());
    emu.dataChannel.refuseResume(started.SessionId);
    const out = await ssm.send(new ResumeSessionCommand({ SessionId: started.SessionId }));
    expect(out.TokenValue).toBeUndefined();
    ssm.destroy();
  });
});

describe("DescribeInstanceInformation", () => {
  it("lists the online instances, filtered by InstanceIds", async () => {
    const ssm = ssmClient(emu, issueCredentials(emu, { roleName: "ReadOnly" }));
    const all = await ssm.send(new DescribeInstanceInformationCommand({}));
    expect(all.InstanceInformationList!.map((i) => i.InstanceId)).toEqual([
      "i-0123456789abcdef0",
      "i-0fedcba9876543210",
    ]);
    expect(all.InstanceInformationList![0]).toMatchObject({
      PingStatus: "Online",
      IPAddress: "10.0.1.10",
      ResourceType: "EC2Instance",
    });
    expect(all.InstanceInformationList![0].LastPingDateTime).toBeInstanceOf(Date);

    const one = await ssm.send(
      new DescribeInstanceInformationCommand({ Filters: [{ Key: "InstanceIds", Values: ["i-0fedcba9876543210"] }] }),
    );
    expect(one.InstanceInformationList!.map((i) => i.InstanceId)).toEqual(["i-0fedcba9876543210"]);
    const legacy = await ssm.send(
      new DescribeInstanceInformationCommand({
        InstanceInformationFilterList: [
          { key: "InstanceIds", valueSet: ["i-0123456789abcdef0", "i-0aaaabbbbccccdddd"] },
        ],
      }),
    );
    expect(legacy.InstanceInformationList!.map((i) => i.InstanceId)).toEqual(["i-0123456789abcdef0"]);
    ssm.destroy();
  });

  it("lists a managed node whose agent went quiet as ConnectionLost, and filters on PingStatus", async () => {
    emu.directory.instances.push(
      {
        instanceId: "i-0bbbbccccddddeeee",
        name: "stopped-db",
        state: "stopped",
        privateIp: "10.0.4.4",
        online: false,
        managed: true,
      },
      {
        instanceId: "i-0ccccddddeeeeffff",
        name: "no-agent",
        state: "running",
        privateIp: "10.0.4.5",
        online: false,
        managed: false,
      },
    );
    const ssm = ssmClient(emu, issueCredentials(emu, { roleName: "ReadOnly" }));
    const all = await ssm.send(new DescribeInstanceInformationCommand({}));
    expect(all.InstanceInformationList!.map((i) => [i.InstanceId, i.PingStatus])).toEqual([
      ["i-0123456789abcdef0", "Online"],
      ["i-0fedcba9876543210", "Online"],
      ["i-0bbbbccccddddeeee", "ConnectionLost"],
    ]);
    const lost = await ssm.send(
      new DescribeInstanceInformationCommand({ Filters: [{ Key: "PingStatus", Values: ["ConnectionLost"] }] }),
    );
    expect(lost.InstanceInformationList!.map((i) => i.InstanceId)).toEqual(["i-0bbbbccccddddeeee"]);
    expect(lost.InstanceInformationList![0].LastPingDateTime!.getTime()).toBeLessThan(Date.now() - 3600_000);
    ssm.destroy();
  });
});
