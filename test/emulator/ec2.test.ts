// The EC2 emulator through the real @aws-sdk/client-ec2: filters, pagination, names from tags, credential errors.
import { DescribeInstanceInformationCommand, SSMClient, StartSessionCommand } from "@aws-sdk/client-ssm";
import {
  DescribeInstancesCommand,
  EC2Client,
  paginateDescribeInstances,
  type DescribeInstancesCommandInput,
  type Instance,
} from "@aws-sdk/client-ec2";
import { startEmulator, type Emulator } from "./index";
import { ec2Client, issueCredentials } from "./support/aws";
import { EU_WEST_INSTANCE } from "./directory";

let emu: Emulator;
beforeEach(async () => {
  emu = await startEmulator();
  // Enough instances to page through.
  for (let n = 0; n < 9; n++) {
    emu.directory.instances.push({
      instanceId: `i-0000000000000000${n}`,
      name: `worker-${n}`,
      state: n % 3 === 0 ? "stopped" : "running",
      privateIp: `10.0.3.${n + 1}`,
      tags: { team: n < 5 ? "red" : "blue" },
      online: n % 3 !== 0,
    });
  }
});
afterEach(() => emu.close());

const nameOf = (i: Instance) => i.Tags?.find((t) => t.Key === "Name")?.Value;
const flatten = (rs: { Reservations?: { Instances?: Instance[] }[] }) =>
  (rs.Reservations ?? []).flatMap((r) => r.Instances ?? []);

describe("DescribeInstances", () => {
  it("returns every instance with its name tag, state and private IP", async () => {
    const ec2 = ec2Client(emu, issueCredentials(emu));
    const out = flatten(await ec2.send(new DescribeInstancesCommand({})));
    expect(out).toHaveLength(12);
    const bastion = out.find((i) => i.InstanceId === "i-0123456789abcdef0")!;
    expect(nameOf(bastion)).toBe("bastion");
    expect(bastion.State).toEqual({ Code: 16, Name: "running" });
    expect(bastion.PrivateIpAddress).toBe("10.0.1.10");
    expect(out.find((i) => i.InstanceId === "i-0aaaabbbbccccdddd")!.State).toEqual({ Code: 80, Name: "stopped" });
    ec2.destroy();
  });

  it("applies filters (AND across filters, OR across values, wildcards) and InstanceIds", async () => {
    const ec2 = ec2Client(emu, issueCredentials(emu));
    const ids = async (input: DescribeInstancesCommandInput) =>
      flatten(await ec2.send(new DescribeInstancesCommand(input)))
        .map((i) => i.InstanceId)
        .sort();

    expect(await ids({ Filters: [{ Name: "tag:Name", Values: ["bastion", "app-server"] }] })).toEqual([
      "i-0123456789abcdef0",
      "i-0fedcba9876543210",
    ]);
    expect(
      await ids({
        Filters: [
          { Name: "tag:team", Values: ["red"] },
          { Name: "instance-state-name", Values: ["running"] },
        ],
      }),
    ).toEqual(["i-00000000000000001", "i-00000000000000002", "i-00000000000000004"]);
    expect(
      await ids({
        Filters: [
          { Name: "tag:Name", Values: ["worker-?"] },
          { Name: "tag:team", Values: ["b*"] },
        ],
      }),
    ).toEqual(["i-00000000000000005", "i-00000000000000006", "i-00000000000000007", "i-00000000000000008"]);
    expect(await ids({ Filters: [{ Name: "tag-key", Values: ["team"] }] })).toHaveLength(9);
    expect(await ids({ Filters: [{ Name: "instance-id", Values: ["i-0fedcba9876543210"] }] })).toEqual([
      "i-0fedcba9876543210",
    ]);
    expect(await ids({ InstanceIds: ["i-0aaaabbbbccccdddd", "i-0123456789abcdef0"] })).toEqual([
      "i-0123456789abcdef0",
      "i-0aaaabbbbccccdddd",
    ]);
    await expect(ids({ InstanceIds: ["i-0999999999999999f"] })).rejects.toMatchObject({
      name: "InvalidInstanceID.NotFound",
      message: "The instance ID 'i-0999999999999999f' does not exist",
    });
    await expect(ids({ Filters: [{ Name: "colour", Values: ["x"] }] })).rejects.toMatchObject({
      name: "InvalidParameterValue",
    });
    ec2.destroy();
  });

  it("pages with MaxResults and NextToken, and the SDK paginator sees every instance once", async () => {
    const ec2 = ec2Client(emu, issueCredentials(emu));
    const first = await ec2.send(new DescribeInstancesCommand({ MaxResults: 5 }));
    expect(flatten(first)).toHaveLength(5);
    expect(first.NextToken).toBeTruthy();

    const seen: string[] = [];
    let pages = 0;
    for await (const page of paginateDescribeInstances({ client: ec2, pageSize: 5 }, {})) {
      pages++;
      seen.push(...flatten(page).map((i) => i.InstanceId!));
    }
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(12);
    expect(seen).toHaveLength(12);

    await expect(
      ec2.send(new DescribeInstancesCommand({ MaxResults: 5, InstanceIds: ["i-0123456789abcdef0"] })),
    ).rejects.toMatchObject({
      name: "InvalidParameterCombination",
    });
    ec2.destroy();
  });
});

describe("regions", () => {
  it("an instance is seen only from its own region: EC2, Systems Manager and StartSession alike", async () => {
    emu.directory.instances.push({ ...EU_WEST_INSTANCE });
    const credentials = issueCredentials(emu);
    const inRegion = (region: string) => ({
      ec2: new EC2Client({ region, endpoint: emu.endpoints.ec2, credentials, maxAttempts: 1 }),
      ssm: new SSMClient({ region, endpoint: emu.endpoints.ssm, credentials, maxAttempts: 1 }),
    });
    const [us, eu] = [inRegion("us-east-1"), inRegion("eu-west-1")];
    const names = async (c: { ec2: EC2Client }) =>
      flatten(await c.ec2.send(new DescribeInstancesCommand({}))).map(nameOf);
    const managed = async (c: { ssm: SSMClient }) =>
      (await c.ssm.send(new DescribeInstanceInformationCommand({}))).InstanceInformationList!.map((i) => i.InstanceId);

    expect(await names(eu)).toContain("eu-api");
    expect(await names(us)).not.toContain("eu-api");
    expect(await names(us)).toContain("bastion"); // no region given: seen everywhere
    await expect(
      us.ec2.send(new DescribeInstancesCommand({ InstanceIds: [EU_WEST_INSTANCE.instanceId] })),
    ).rejects.toMatchObject({ name: "InvalidInstanceID.NotFound" });
    expect(await managed(eu)).toContain(EU_WEST_INSTANCE.instanceId);
    expect(await managed(us)).not.toContain(EU_WEST_INSTANCE.instanceId);
    const start = new StartSessionCommand({
      Target: EU_WEST_INSTANCE.instanceId,
      DocumentName: "AWS-StartPortForwardingSession",
      Parameters: { portNumber: ["5432"], localPortNumber: ["15432"] },
    });
    await expect(us.ssm.send(start)).rejects.toMatchObject({ name: "TargetNotConnected" });
    expect((await eu.ssm.send(start)).SessionId).toBeTruthy();
    for (const c of [us, eu]) {
      c.ec2.destroy();
      c.ssm.destroy();
    }
  });
});

describe("credentials", () => {
  it("rejects keys the portal never issued, expired credentials and bad signatures", async () => {
    const stranger = ec2Client(emu, { accessKeyId: "ASIAUNKNOWN", secretAccessKey: "x", sessionToken: "y" });
    await expect(stranger.send(new DescribeInstancesCommand({}))).rejects.toMatchObject({ name: "AuthFailure" });
    stranger.destroy();

    const expiring = issueCredentials(emu, { ttlMs: 60_000 });
    emu.clock.advance(61_000);
    const expired = ec2Client(emu, expiring);
    await expect(expired.send(new DescribeInstancesCommand({}))).rejects.toMatchObject({ name: "RequestExpired" });
    expired.destroy();

    const good = issueCredentials(emu);
    const forged = ec2Client(emu, { ...good, secretAccessKey: "not-the-secret" });
    await expect(forged.send(new DescribeInstancesCommand({}))).rejects.toMatchObject({
      name: "SignatureDoesNotMatch",
      $metadata: { httpStatusCode: 403 },
    });
    forged.destroy();

    const logged = emu.log.filter((e) => e.service === "ec2");
    expect(logged.map((e) => e.status)).toEqual([401, 400, 403]);
  });
});
