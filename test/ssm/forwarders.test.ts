import { MuxForwarder } from "../../src/lib/ssm/port-forwarding/mux";
import { BasicForwarder, BASIC_BUFFER_LIMIT } from "../../src/lib/ssm/port-forwarding/basic";
import type { ForwardingStats } from "../../src/lib/ssm/port-forwarding/types";
import { Cmd, encodeFrame, FrameReader } from "../../src/lib/ssm/smux/frame";
import { Flag } from "../../src/lib/ssm/message";
import { collect, FakeChannel, Loopback, until } from "./helpers/loopback";

const stats = (): ForwardingStats => ({ connections: 0, activeConnections: 0, bytesIn: 0, bytesOut: 0 });
const lo = new Loopback();
beforeEach(() => lo.start());
afterEach(() => lo.stop());

function mux(channel: FakeChannel, streamHighWater?: number) {
  const errors: { message: string; streamId?: number }[] = [];
  const s = stats();
  const f = new MuxForwarder(channel, {
    keepalive: false,
    stats: s,
    log: () => undefined,
    onConnectionError: (e) => errors.push(e),
    onFatal: () => undefined,
    streamHighWater,
  });
  const frames = () => new FrameReader().push(channel.bytes());
  return { f, errors, frames, stats: s };
}

describe("MuxForwarder", () => {
  it("maps a local connection onto a stream both ways, and FIN onto a full close", async () => {
    const ch = new FakeChannel();
    const { f, frames, stats: s } = mux(ch);
    const { accepted, client } = await lo.pair();
    f.handle(accepted);
    client.write("ping");
    await until(() => frames().some((x) => x.cmd === Cmd.PSH));
    expect(frames().map((x) => [x.cmd, x.streamId, String(x.data)])).toEqual([
      [Cmd.SYN, 3, ""],
      [Cmd.PSH, 3, "ping"],
    ]);
    const got = collect(client);
    f.output(Buffer.concat([encodeFrame(Cmd.PSH, 3, Buffer.from("pong")), encodeFrame(Cmd.FIN, 3)]));
    await new Promise((r) => client.once("close", r));
    expect(got.text()).toBe("pong");
    expect(frames().some((x) => x.cmd === Cmd.FIN && x.streamId === 3)).toBe(true);
    expect(s).toMatchObject({ connections: 1, activeConnections: 0, bytesIn: 4, bytesOut: 4 });
  });

  it("fails only the refused connection on ConnectToPortError", async () => {
    const ch = new FakeChannel();
    const { f, errors } = mux(ch);
    const a = await lo.pair();
    const b = await lo.pair();
    f.handle(a.accepted);
    f.handle(b.accepted);
    const aGot = collect(a.client);
    f.flag(Flag.ConnectToPortError);
    f.output(encodeFrame(Cmd.FIN, 5));
    await new Promise((r) => b.client.once("close", r));
    expect(errors.map((e) => e.streamId)).toEqual([5]);
    f.output(encodeFrame(Cmd.PSH, 3, Buffer.from("still here")));
    await until(() => aGot.text() === "still here");
    expect(a.client.destroyed).toBe(false);
  });

  it("attributes a ConnectToPortError that arrives after the FIN", async () => {
    const ch = new FakeChannel();
    const { f, errors } = mux(ch);
    const a = await lo.pair();
    f.handle(a.accepted);
    f.output(encodeFrame(Cmd.FIN, 3));
    f.flag(Flag.ConnectToPortError);
    expect(errors.map((e) => e.streamId)).toEqual([3]);
  });

  it("pauses a local socket while its stream queue is full and resumes when the channel drains", async () => {
    const ch = new FakeChannel();
    ch.writable = false;
    const { f, frames } = mux(ch, 64 * 1024);
    const a = await lo.pair();
    const b = await lo.pair();
    f.handle(a.accepted);
    f.handle(b.accepted);
    a.client.write(Buffer.alloc(200 * 1024, 1));
    await until(() => a.accepted.isPaused());
    b.client.write("small");
    await new Promise((r) => setTimeout(r, 50));
    expect(b.accepted.isPaused()).toBe(false); // no head-of-line blocking across streams
    expect(frames().filter((x) => x.cmd === Cmd.PSH)).toHaveLength(0);
    ch.setWritable(true);
    await until(
      () =>
        frames()
          .filter((x) => x.cmd === Cmd.PSH && x.streamId === 3)
          .reduce((n, x) => n + x.data.length, 0) ===
        200 * 1024,
    );
    expect(a.accepted.isPaused()).toBe(false);
    expect(frames().some((x) => x.streamId === 5 && String(x.data) === "small")).toBe(true);
  });

  it("stops reading a local socket whose writes back up, without blocking the channel", async () => {
    const ch = new FakeChannel();
    const { f } = mux(ch);
    const a = await lo.pair();
    f.handle(a.accepted);
    a.client.pause(); // a slow consumer
    const big = Buffer.alloc(32 * 1024, 2);
    for (let i = 0; i < 200 && !a.accepted.isPaused(); i++) f.output(encodeFrame(Cmd.PSH, 3, big));
    expect(a.accepted.isPaused()).toBe(true);
    a.client.resume();
    await until(() => !a.accepted.isPaused(), 10_000);
  });
});

describe("BasicForwarder", () => {
  it("holds agent bytes that come before any connection for the first one", async () => {
    const ch = new FakeChannel();
    const f = new BasicForwarder(ch, { stats: stats(), log: () => undefined });
    expect(f.output(Buffer.from("greeting"))).toBe(true);
    const { accepted, client } = await lo.pair();
    const got = collect(client);
    f.handle(accepted);
    await until(() => got.text() === "greeting");
  });

  it("serves one connection at a time and sends DisconnectToPort when it ends", async () => {
    const ch = new FakeChannel();
    const s = stats();
    const f = new BasicForwarder(ch, { stats: s, log: () => undefined });
    const a = await lo.pair();
    const b = await lo.pair();
    f.handle(a.accepted);
    f.handle(b.accepted);
    a.client.write("from a");
    await until(() => ch.bytes().toString() === "from a");
    const bGot = collect(b.client);
    f.output(Buffer.from("for a"));
    a.client.end();
    await until(() => ch.flags.length === 1, 5000, "flag");
    expect(ch.flags).toEqual([Flag.DisconnectToPort]);
    f.output(Buffer.from("stale bytes of a")); // in flight before the agent saw the flag: dropped
    b.client.write("from b");
    await until(() => ch.bytes().toString() === "from afrom b", 5000, "b's bytes");
    f.output(Buffer.from("for b"));
    await until(() => bGot.text() === "for b", 5000, "for b");
    expect(s.connections).toBe(2);
  });

  it("refuses (leaves unacked) agent bytes beyond its buffer when nobody reads them", () => {
    const ch = new FakeChannel();
    const f = new BasicForwarder(ch, { stats: stats(), log: () => undefined });
    const chunk = Buffer.alloc(1024);
    let accepted = 0;
    while (f.output(chunk)) accepted++;
    expect(accepted * 1024).toBe(BASIC_BUFFER_LIMIT);
  });
});
