// The worker makes its AWS calls through a helper process (the shipped bundle, `stormtunnel aws-helper`) that it lets
// go when idle: StartSession at connect, ResumeSession after a drop (a new helper), TerminateSession at stop.
import { runTunnelWorker } from "../../src/lib/tunnels/worker";
import { AwsHelper } from "../../src/lib/tunnels/worker/aws-calls/helper-client";
import { waitFor } from "../tunnels/helpers";
import { createWorld, type World } from "./harness";
import { echoTransfer } from "./traffic";

describe("the worker's AWS helper process", () => {
  let w: World;
  beforeAll(async () => {
    w = await createWorld();
    await w.seedToken();
  }, 60_000);
  afterAll(() => w?.close());

  test("starts for the calls, goes away when idle, comes back for the next call", async () => {
    const def = await w.define();
    const helper = new AwsHelper({
      command: JSON.parse(w.env.STORMTUNNEL_WORKER_COMMAND) as string[],
      env: w.env,
      idleMs: 300,
    });
    const controller = new AbortController();
    const logs: string[] = [];
    const worker = runTunnelWorker({
      env: w.env,
      id: def.id,
      signal: controller.signal,
      log: (l) => logs.push(l),
      aws: helper.calls,
    });
    try {
      const { sessionId } = await w.waitStatus(def.id, "connected", 30_000);
      expect(helper.started).toBe(1);
      expect(w.emu.log.filter((e) => e.operation === "StartSession" && e.status === 200)).toHaveLength(1);
      await waitFor(() => !helper.running); // idle: the SDK is not held by anyone now

      const resumes = () => w.emu.log.filter((e) => e.operation === "ResumeSession" && e.status === 200).length;
      w.emu.dataChannel.closeSocket({ sessionId, abrupt: true });
      await waitFor(() => resumes() === 1 || undefined, 20_000);
      await w.waitStatus(def.id, "connected");
      expect(helper.started).toBe(2);
      const r = await echoTransfer(def.localPort, 256 * 1024);
      expect(r.receivedHash).toBe(r.sentHash);
    } finally {
      controller.abort();
      expect(await worker).toBe(0);
    }
    // The TerminateSession call reaches AWS even when the stop's own budget ran out while the helper started.
    await waitFor(() => w.emu.log.some((e) => e.operation === "TerminateSession" && e.status === 200), 15_000);
    await waitFor(() => !helper.running);
    expect(logs.join("\n")).not.toMatch(/AWS helper exited/);
  }, 90_000);
});
