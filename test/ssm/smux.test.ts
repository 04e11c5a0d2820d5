import fc from "fast-check";
import { Cmd, encodeData, encodeFrame, FrameReader, SmuxProtocolError } from "../../src/lib/ssm/smux/frame";
import { SmuxSession } from "../../src/lib/ssm/smux/session";
import { FakeClock } from "./helpers/fake-clock";

describe("smux v1 frame codec", () => {
  it("writes a little-endian header", () => {
    expect(encodeFrame(Cmd.PSH, 3, Buffer.from("hi")).toString("hex")).toBe("010202000300000068" + "69");
    expect(encodeFrame(Cmd.SYN, 0x01020304).toString("hex")).toBe("0100000004030201");
  });

  it("splits data into PSH frames of at most 32768 bytes", () => {
    const frames = encodeData(5, Buffer.alloc(70_000, 1));
    expect(frames.map((f) => f.readUInt16LE(2))).toEqual([32768, 32768, 4464]);
  });

  it("reassembles frames split at any boundary (property)", () => {
    const frameArb = fc.record({
      cmd: fc.constantFrom(Cmd.SYN, Cmd.FIN, Cmd.PSH, Cmd.NOP),
      streamId: fc.integer({ min: 0, max: 0xffffffff }),
      data: fc.uint8Array({ maxLength: 3000 }),
    });
    fc.assert(
      fc.property(fc.array(frameArb, { maxLength: 8 }), fc.array(fc.integer({ min: 1, max: 2000 })), (frames, cuts) => {
        const wire = Buffer.concat(frames.map((f) => encodeFrame(f.cmd, f.streamId, Buffer.from(f.data))));
        const reader = new FrameReader();
        const got = [];
        let at = 0;
        for (const cut of [...cuts, wire.length]) {
          got.push(...reader.push(wire.subarray(at, Math.min(wire.length, at + cut))));
          at = Math.min(wire.length, at + cut);
        }
        expect(got.map((f) => [f.cmd, f.streamId, Buffer.from(f.data).toString("hex")])).toEqual(
          frames.map((f) => [f.cmd, f.streamId, Buffer.from(f.data).toString("hex")]),
        );
        expect(reader.pending).toBe(0);
      }),
    );
  });

  it("rejects another protocol version", () => {
    const bad = encodeFrame(Cmd.NOP, 0);
    bad[0] = 2;
    expect(() => new FrameReader().push(bad)).toThrow(SmuxProtocolError);
  });
});

function session(opts: { keepalive?: boolean; canWrite?: () => boolean; streamHighWater?: number } = {}) {
  const clock = new FakeClock();
  const wire: Buffer[] = [];
  const s = new SmuxSession({
    write: (b) => wire.push(b),
    canWrite: opts.canWrite ?? (() => true),
    keepalive: opts.keepalive ?? false,
    clock,
    streamHighWater: opts.streamHighWater,
  });
  const frames = () => new FrameReader().push(Buffer.concat(wire));
  return { clock, wire, s, frames };
}

describe("smux session", () => {
  it("opens streams 3, 5, 7 with SYN, sends PSH, and FIN on close", () => {
    const { s, frames } = session();
    const a = s.openStream();
    const b = s.openStream();
    const c = s.openStream();
    expect([a.id, b.id, c.id]).toEqual([3, 5, 7]);
    a.write(Buffer.from("hello"));
    a.close();
    const f = frames();
    expect(f.map((x) => [x.cmd, x.streamId])).toEqual([
      [Cmd.SYN, 3],
      [Cmd.SYN, 5],
      [Cmd.SYN, 7],
      [Cmd.PSH, 3],
      [Cmd.FIN, 3],
    ]);
    expect(f[3].data.toString()).toBe("hello");
    s.close();
  });

  it("routes agent frames to their stream, split across Output payloads", () => {
    const { s } = session();
    const a = s.openStream();
    const b = s.openStream();
    const got: string[] = [];
    a.on("data", (d: Buffer) => got.push(`a:${d}`));
    b.on("data", (d: Buffer) => got.push(`b:${d}`));
    let finB = false;
    b.on("fin", () => (finB = true));
    const wire = Buffer.concat([
      encodeFrame(Cmd.PSH, 5, Buffer.from("to-b")),
      encodeFrame(Cmd.PSH, 3, Buffer.from("to-a")),
      encodeFrame(Cmd.PSH, 99, Buffer.from("unknown stream")),
      encodeFrame(Cmd.FIN, 5),
    ]);
    for (let i = 0; i < wire.length; i += 5) s.receive(wire.subarray(i, i + 5));
    expect(got).toEqual(["b:to-b", "a:to-a"]);
    expect(finB).toBe(true);
    expect(b.receivedBytes).toBe(4);
    s.close();
  });

  it("closes the session on a protocol error", () => {
    const { s } = session();
    const reasons: string[] = [];
    s.on("close", (r: string) => reasons.push(r));
    s.receive(Buffer.from([9, 0, 0, 0, 0, 0, 0, 0]));
    expect(reasons[0]).toMatch(/version 9/);
  });

  it("sends NOPs every 10 s and closes after 30 s without inbound frames when keepalive is on", () => {
    const { s, clock, frames } = session({ keepalive: true });
    const reasons: string[] = [];
    s.on("close", (r: string) => reasons.push(r));
    clock.advance(10_000);
    expect(frames().map((f) => [f.cmd, f.streamId])).toEqual([[Cmd.NOP, 0]]);
    clock.advance(15_000);
    s.receive(encodeFrame(Cmd.NOP, 0));
    clock.advance(5_000); // first check at 30 s: heard from the agent
    expect(reasons).toEqual([]);
    expect(frames().filter((f) => f.cmd === Cmd.NOP)).toHaveLength(3);
    clock.advance(30_000); // second check: silence
    expect(reasons[0]).toMatch(/keepalive timeout/);
  });

  it("never sends NOPs and never times out when keepalive is off", () => {
    const { s, clock, wire } = session({ keepalive: false });
    clock.advance(10 * 60_000);
    expect(wire).toHaveLength(0);
    expect(s.isClosed).toBe(false);
    expect(clock.pending).toBe(0);
  });

  it("queues per stream while the channel is full, asks that stream's source to pause, and drains round-robin", () => {
    let open = false;
    const { s, frames } = session({ canWrite: () => open, streamHighWater: 100 });
    const a = s.openStream();
    const b = s.openStream();
    let drains = 0;
    a.on("drain", () => drains++);
    expect(a.write(Buffer.alloc(60, 1))).toBe(true);
    expect(a.write(Buffer.alloc(60, 1))).toBe(false); // past its high-water mark: pause the socket
    expect(b.write(Buffer.alloc(10, 2))).toBe(true); // the other stream is not held back by a's queue
    a.close();
    expect(frames().filter((f) => f.cmd === Cmd.PSH)).toHaveLength(0);
    open = true;
    s.pump();
    const order = frames()
      .filter((f) => f.cmd !== Cmd.SYN)
      .map((f) => [f.cmd, f.streamId, f.data.length]);
    expect(order).toEqual([
      [Cmd.PSH, 3, 60],
      [Cmd.PSH, 5, 10],
      [Cmd.PSH, 3, 60],
      [Cmd.FIN, 3, 0],
    ]);
    expect(drains).toBe(1);
    s.close();
  });
});
