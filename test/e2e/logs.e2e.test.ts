// The worker's log under a flood of hostile frames (issue 9 item 12): a line per frame would write megabytes; the
// log keeps the first few and a count.
import { statSync } from "node:fs";
import { logPath } from "../../src/lib/tunnels/state";
import { stopTunnel } from "../../src/lib/tunnels/supervisor";
import { createWorld, type World } from "./harness";
import { echoTransfer } from "./traffic";

describe("worker log", () => {
  let w: World;
  beforeAll(async () => {
    w = await createWorld();
    await w.seedToken();
  });
  afterAll(() => w?.close());

  test("50 000 malformed frames: a few lines and a count, not one line each", async () => {
    const def = await w.define();
    await w.start(def);
    const { sessionId } = await w.waitStatus(def.id, "connected");
    const before = statSync(logPath(w.env, def.id)).size;
    w.emu.dataChannel.floodOutOfOrder(sessionId!, { frames: 50_000, bytes: 16, corrupt: true });
    // Traffic after the flood on the same socket: once it is echoed, the worker has read every bad frame.
    const r = await echoTransfer(def.localPort, 64 * 1024);
    expect(r.receivedHash).toBe(r.sentHash);
    const dropped = w.logLines(def.id).filter((l) => l.includes("dropped a malformed message")).length;
    expect(dropped).toBeGreaterThan(0);
    expect(dropped).toBeLessThanOrEqual(5);
    expect(statSync(logPath(w.env, def.id)).size - before).toBeLessThan(16 * 1024);
    await stopTunnel(def.id, { env: w.env });
    // On the way out, the worker says how many it held back.
    const counted = w.logLines(def.id).find((l) => /\(\d+ more like: .*dropped a malformed message/.test(l));
    expect(Number(/\((\d+) more/.exec(counted ?? "")?.[1])).toBe(50_000 - dropped);
  }, 60_000);
});
