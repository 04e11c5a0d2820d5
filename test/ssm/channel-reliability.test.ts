import fc from "fast-check";
import { decodeMessage, encodeMessage, MessageType, newMessage, PayloadType } from "../../src/lib/ssm/message";
import { agentMessage } from "./helpers/fake-socket";
import { openChannel, setup } from "./helpers/channel-setup";

describe("DataChannel: ordering and acks", () => {
  it("delivers in order, acks out-of-order messages when buffering, and re-acks duplicates", async () => {
    const t = setup();
    const { ws } = await openChannel(t);
    const deliveredAtAck: number[] = [];
    t.channel.setHandler({
      output: (p) => (t.received.push(p), deliveredAtAck.push(ws.acks().length), true),
      flag: () => undefined,
    });
    ws.deliver(agentMessage(3, PayloadType.Output, "c"));
    expect(ws.acks().slice(2)).toEqual([3]);
    ws.deliver(agentMessage(4, PayloadType.Output, "d"));
    ws.deliver(agentMessage(2, PayloadType.Output, "b"));
    expect(t.received.map(String)).toEqual(["b", "c", "d"]);
    expect(ws.acks().slice(2)).toEqual([3, 4, 2]);
    expect(deliveredAtAck[0]).toBe(4); // "b" was delivered before its ack went out
    ws.deliver(agentMessage(3, PayloadType.Output, "c"));
    expect(t.received.map(String)).toEqual(["b", "c", "d"]);
    expect(ws.acks().slice(2)).toEqual([3, 4, 2, 3]);
    t.channel.close();
  });

  it("never substitutes bytes: a lone LF stays LF (§15 item 1)", async () => {
    const t = setup();
    const { ws } = await openChannel(t);
    t.channel.sendOutput(Buffer.from("\n"));
    expect(ws.data()[1].payload).toEqual(Buffer.from("\n"));
    t.channel.close();
  });

  it("chunks local bytes into Output messages of at most 1024 bytes with consecutive seqs", async () => {
    const t = setup();
    const { ws } = await openChannel(t);
    const data = Buffer.alloc(2500, 7);
    t.channel.sendOutput(data);
    const sent = ws.data().slice(1);
    expect(sent.map((m) => m.payload.length)).toEqual([1024, 1024, 452]);
    expect(sent.map((m) => m.sequenceNumber)).toEqual([1, 2, 3]);
    expect(Buffer.concat(sent.map((m) => m.payload))).toEqual(data);
    t.channel.close();
  });

  it("ignores start/pause_publication without validating their headers, and drops malformed frames", async () => {
    const t = setup();
    const { ws } = await openChannel(t);
    const pub = encodeMessage(newMessage({ messageType: MessageType.PausePublication, createdDate: 1 }));
    pub.writeBigUInt64BE(0n, 40); // a zero CreatedDate would fail validation for any other type
    ws.deliverRaw(pub);
    ws.deliverRaw(Buffer.from("garbage"));
    ws.deliver(agentMessage(2, PayloadType.Output, "still fine"));
    expect(t.received.map(String)).toEqual(["still fine"]);
    expect(t.ended).toEqual([]);
    t.channel.close();
  });

  it("survives any malformed frame without throwing out of the channel (property)", async () => {
    const t = setup();
    const { ws } = await openChannel(t);
    const valid = encodeMessage(agentMessage(2, PayloadType.Output, "x"));
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
          fc.tuple(fc.nat(), fc.nat({ max: 255 })).map(([at, v]) => {
            const f = Buffer.from(valid);
            f[at % f.length] = v === f[at % f.length] ? (v + 1) % 256 : v;
            return f;
          }),
          fc.nat().map((n) => valid.subarray(0, n % valid.length)),
        ),
        (frame) => {
          fc.pre(!decodeMessage(frame).ok); // header fields outside the digest can mutate into a valid message
          ws.deliverRaw(frame);
        },
      ),
    );
    expect(t.ended).toEqual([]);
    ws.deliver(agentMessage(2, PayloadType.Output, "after the noise"));
    expect(t.received.map(String)).toContain("after the noise");
    t.channel.close();
  });

  it("reports channel_closed with its Output text", async () => {
    const t = setup();
    const { ws } = await openChannel(t);
    const payload = JSON.stringify({ CreatedDate: "2024-10-01T12:00:00.000Z", Output: "Your session timed out." });
    ws.deliver(newMessage({ messageType: MessageType.ChannelClosed, payload: Buffer.from(payload) }));
    expect(t.ended).toEqual([["channel_closed", "Your session timed out."]]);
    expect(ws.closedWith).toBe(1000);
    expect(t.resume).not.toHaveBeenCalled();
  });
});

describe("DataChannel: retransmission", () => {
  it("resends the oldest unacked message with the stored resend time and a capped backoff (§15 item 5)", async () => {
    const t = setup();
    const { ws } = await openChannel(t);
    ws.ackClient(ws.data()[0]);
    const start = t.clock.now();
    t.channel.sendOutput(Buffer.from("x"));
    const sentAt: number[] = [];
    const before = ws.data().length;
    for (let i = 0; i < 45; i++) {
      t.clock.advance(100);
      while (ws.data().length > before + sentAt.length) sentAt.push(t.clock.now() - start);
    }
    expect(sentAt).toEqual([200, 600, 1400, 2400, 3400, 4400]);
    const copies = ws.data().slice(before - 1);
    expect(new Set(copies.map((m) => m.messageId)).size).toBe(1);
    expect(new Set(copies.map((m) => m.createdDate)).size).toBe(1);
    ws.ackClient(copies[0]);
    const after = ws.data().length;
    t.clock.advance(5000);
    expect(ws.data().length).toBe(after);
    t.channel.close();
  });

  it("updates the RTO from acks (Jacobson/Karels)", async () => {
    const t = setup();
    const { ws } = await openChannel(t);
    ws.ackClient(ws.data()[0]); // sampled at 0 ms
    t.channel.sendOutput(Buffer.from("y"));
    const m = ws.data()[1];
    t.clock.advance(50);
    ws.ackClient(m);
    // after samples 0 and 50: rttvar = 0.75*25 + 0.25*|87.5-50| = 28.125, srtt = 82.8125
    expect(t.channel.rtoMs).toBeCloseTo(82.8125 + 4 * 28.125, 6);
    for (let i = 0; i < 200; i++) {
      t.channel.sendOutput(Buffer.from("z"));
      const last = ws.data()[ws.data().length - 1];
      t.clock.advance(2000);
      ws.ackClient(last);
    }
    expect(t.channel.rtoMs).toBe(1000); // capped
    t.channel.close();
  });
});

describe("DataChannel: backpressure", () => {
  it("turns unwritable above the high-water mark and emits drain once acks bring it down", async () => {
    const t = setup({ highWaterBytes: 10_000 });
    const { ws } = await openChannel(t);
    let drains = 0;
    t.channel.on("drain", () => drains++);
    t.channel.sendOutput(Buffer.alloc(12 * 1024));
    expect(t.channel.writable).toBe(false);
    for (const m of ws.data()) ws.ackClient(m);
    expect(t.channel.writable).toBe(true);
    expect(drains).toBe(1);
    t.channel.close();
  });
});
