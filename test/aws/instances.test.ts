// The picker's data against the emulator through the real EC2 and SSM clients: the join, the agent states, managed
// nodes outside EC2, a role that may call only one of the two APIs, and no token at all.
import { findProfile, loadAwsConfig, type SsoProfile } from "../../src/lib/aws";
import { InstancesNeedSignInError, listInstances } from "../../src/lib/aws/instances";
import { emulatedHome, type EmulatedHome } from "../commands/emulated";

let h: EmulatedHome;
beforeEach(async () => {
  h = await emulatedHome({
    directory: {
      instances: [
        { instanceId: "i-0123456789abcdef0", name: "bastion", state: "running", privateIp: "10.0.1.10", online: true },
        { instanceId: "i-0aaaabbbbccccdddd", state: "stopped", privateIp: "10.0.2.30", online: false, managed: true },
        {
          instanceId: "i-0eeeeffff00001111",
          name: "web",
          state: "running",
          privateIp: "10.0.3.40",
          online: false,
          managed: false,
        },
        { instanceId: "i-0999999999999999a", name: "gone", state: "terminated", privateIp: "10.0.9.9", online: false },
      ],
    },
  });
});
afterEach(() => h.close());

async function dev(): Promise<SsoProfile> {
  return findProfile(await loadAwsConfig({ env: h.env }), "dev") as SsoProfile;
}

describe("listInstances", () => {
  it("joins EC2 and SSM: name, state, IP, platform, and whether the agent is online", async () => {
    await h.seedToken();
    const { instances, notes } = await listInstances(await dev(), await dev(), "us-east-1", { env: h.env });
    expect(notes).toEqual([]);
    expect(instances).toEqual([
      {
        id: "i-0123456789abcdef0",
        name: "bastion",
        state: "running",
        platform: "Linux/UNIX",
        privateIp: "10.0.1.10",
        agent: "online",
      },
      {
        id: "i-0aaaabbbbccccdddd",
        name: undefined,
        state: "stopped",
        platform: "Linux/UNIX",
        privateIp: "10.0.2.30",
        agent: "connection-lost",
      },
      {
        id: "i-0eeeeffff00001111",
        name: "web",
        state: "running",
        platform: "Linux/UNIX",
        privateIp: "10.0.3.40",
        agent: "not-managed",
      },
    ]);
    // Terminated instances were filtered out by AWS, not after the fact.
    const call = h.emu.log.find((e) => e.operation === "DescribeInstances")!;
    expect(call.request).toMatchObject({ "Filter.1.Name": "instance-state-name" });
  });

  it("a role that may not describe EC2 instances still lists the managed nodes, and says what is missing", async () => {
    await h.seedToken();
    h.emu.addFault({
      service: "ec2",
      operation: "DescribeInstances",
      times: 1,
      status: 403,
      errorType: "UnauthorizedOperation",
      body: `<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>You are not authorized to perform this operation.</Message></Error></Errors><RequestID>r</RequestID></Response>`,
    });
    const { instances, notes } = await listInstances(await dev(), await dev(), "us-east-1", { env: h.env });
    expect(instances.map((i) => [i.id, i.agent])).toEqual([
      ["i-0123456789abcdef0", "online"],
      ["i-0aaaabbbbccccdddd", "connection-lost"],
    ]);
    expect(notes).toEqual(["EC2 instances not listed: You are not authorized to perform this operation."]);
    expect(h.emu.log.filter((e) => e.fault)).toHaveLength(1);
  });

  it("without a token it asks for a sign-in and calls nothing", async () => {
    await expect(listInstances(await dev(), await dev(), "us-east-1", { env: h.env })).rejects.toBeInstanceOf(
      InstancesNeedSignInError,
    );
    expect(h.emu.log.filter((e) => e.service === "ec2" || e.service === "ssm")).toHaveLength(0);
  });
});
