// The emulated agent, driven by the minimal spec client: handshake, acks and both forwarding modes.
import { encodeMessage, MessageType, newMessage, parseAck, PayloadType } from "../../src/lib/ssm/message";
import { encodeData } from "../../src/lib/ssm/smux/frame";
import { AGENT_VERSIONS } from "./knobs";
import { useDataChannelHarness } from "./support/data-channel-harness";
import { startPortSession } from "./support/session";
import { SmuxClient } from "./support/smux-client";
import { startSinkServer } from "./support/tcp";

// ssm-protocol.md §4.3: input_stream_data seq 5, payload "hello".
const WORKED_EXAMPLE = `
00 00 00 74 69 6e 70 75 74 5f 73 74 72 65 61 6d 5f 64 61 74 61 20 20 20 20 20 20 20 20 20 20 20
20 20 20 20 00 00 00 01 00 00 01 8b cf e5 68 00 00 00 00 00 00 00 00 05 00 00 00 00 00 00 00 00
99 aa bb cc dd ee ff 00 11 22 33 44 55 66 77 88 2c f2 4d ba 5f b0 a3 0e 26 e8 3b 2a c5 b9 e2 9e
1b 16 1e 5c 1f a7 42 5e 73 04 33 62 93 8b 98 24 00 00 00 01 00 00 00 05 68 65 6c 6c 6f`;

const { h, echo } = useDataChannelHarness();

describe("handshake", () => {
  it("sends HandshakeRequest seq 0 flags 1 with the session's properties, then acks the response before HandshakeComplete", async () => {
    const session = await startPortSession(h.emu, echo().port);
    const client = await h.connect(session);
    const { request, complete } = await client.handshake();

    const first = client.received[0].message;
    expect(first.messageType).toBe(MessageType.OutputStreamData);
    expect(first.sequenceNumber).toBe(0);
    expect(first.flags).toBe(1n);
    expect(first.payloadType).toBe(PayloadType.HandshakeRequest);
    expect(request.AgentVersion).toBe(AGENT_VERSIONS.mux);
    expect(request.RequestedClientActions[0].ActionType).toBe("SessionType");
    expect(request.RequestedClientActions[0].ActionParameters).toEqual({
      SessionType: "Port",
      Properties: { portNumber: String(echo().port), type: "LocalPortForwarding", localPortNumber: "15432" },
    });

    // The ack of HandshakeResponse (client seq 0) comes before HandshakeComplete (agent seq 1).
    const types = client.received.map(
      (r) => `${r.message.messageType}:${r.message.sequenceNumber}:${r.message.payloadType}`,
    );
    const ackIndex = client.received.findIndex((r) => r.message.messageType === MessageType.Acknowledge);
    const completeIndex = client.received.findIndex((r) => r.message.payloadType === PayloadType.HandshakeComplete);
    expect(ackIndex).toBeGreaterThan(0);
    expect(ackIndex).toBeLessThan(completeIndex);
    expect(types[completeIndex]).toBe("output_stream_data:1:7");
    expect(complete.flags).toBe(0n);
    const body = JSON.parse(complete.payload.toString());
    expect(Number.isInteger(body.HandshakeTimeToComplete)).toBe(true);
    expect(body.CustomerMessage).toBe("");

    const view = h.emu.dataChannel.session(session.sessionId)!;
    expect(view).toMatchObject({ mode: "mux", keepAlive: false, clientVersion: "1.2.677.0", connectedSockets: 1 });
    expect(view.lastClientId).toBe(client.clientId);
  });
});

describe("mux mode", () => {
  it("echoes through 6 concurrent smux streams", async () => {
    const session = await startPortSession(h.emu, echo().port);
    const client = await h.connect(session);
    await client.handshake();
    const mux = new SmuxClient(client);
    const payloads = new Map<number, Buffer>();
    for (let i = 0; i < 6; i++) {
      const sid = mux.open();
      payloads.set(sid, Buffer.alloc(5000 + i * 777, `stream-${i}|`));
    }
    for (const [sid, data] of payloads) mux.write(sid, data);
    await client.waitFor(
      () => [...payloads].every(([sid, d]) => mux.received(sid).length === d.length),
      10000,
      "echoes",
    );
    for (const [sid, data] of payloads) expect(mux.received(sid).equals(data)).toBe(true);
    expect([...payloads.keys()]).toEqual([3, 5, 7, 9, 11, 13]);
    expect(echo().accepted).toBe(6);
    // Every message from the agent fits 1024 bytes of payload.
    expect(client.received.every((r) => r.message.payload.length <= 1024)).toBe(true);

    for (const sid of payloads.keys()) mux.fin(sid);
    await client.waitFor(() => [...payloads.keys()].every((sid) => mux.finished(sid)), 5000, "FINs");
    await client.waitFor(() => h.emu.dataChannel.session(session.sessionId)!.connections === 0, 5000, "streams closed");
  });
});

describe("reliability", () => {
  it("accepts the §4.3 worked example byte for byte: buffers it out of order, acks it by its MessageId, delivers in order", async () => {
    h.emu.knobs.agentVersion = AGENT_VERSIONS.basic; // basic mode writes raw Output bytes to the destination
    const sink = await startSinkServer();
    h.onCleanup(() => sink.close());
    const session = await startPortSession(h.emu, sink.port);
    const client = await h.connect(session);
    await client.handshake();
    expect(h.emu.dataChannel.session(session.sessionId)!.mode).toBe("basic");

    const worked = Buffer.from(WORKED_EXAMPLE.replace(/\s+/g, ""), "hex");
    expect(worked.length).toBe(125);
    client.sendRaw(worked); // seq 5 while the agent expects 1: buffered and acked at once
    const ack = await client.waitFor(() =>
      client.received
        .map((r) => r.message)
        .find((m) => m.messageType === MessageType.Acknowledge && parseAck(m)?.AcknowledgedMessageSequenceNumber === 5),
    );
    expect(parseAck(ack)).toEqual({
      AcknowledgedMessageType: "input_stream_data",
      AcknowledgedMessageId: "11223344-5566-7788-99aa-bbccddeeff00",
      AcknowledgedMessageSequenceNumber: 5,
      IsSequentialMessage: true,
    });
    expect(ack.flags).toBe(3n);
    expect(ack.sequenceNumber).toBe(0);
    expect(ack.payloadType).toBe(PayloadType.Unset);

    for (const word of ["one ", "two ", "three ", "four "]) client.sendStream(PayloadType.Output, Buffer.from(word));
    await client.waitFor(() => sink.received[0]?.toString() === "one two three four hello", 5000, "in-order delivery");
    expect(h.emu.dataChannel.session(session.sessionId)!.stats.outOfOrderBuffered).toBe(1);
  });

  it("re-acks a duplicate and does not deliver it twice", async () => {
    const session = await startPortSession(h.emu, echo().port);
    const client = await h.connect(session);
    await client.handshake();
    const mux = new SmuxClient(client);
    const sid = mux.open();
    mux.write(sid, Buffer.from("ping"));
    await client.waitFor(() => mux.received(sid).toString() === "ping");
    const ackCount = (seq: number) =>
      client.received.filter(
        (r) =>
          r.message.messageType === MessageType.Acknowledge &&
          parseAck(r.message)?.AcknowledgedMessageSequenceNumber === seq,
      ).length;
    expect(ackCount(2)).toBe(1);

    const again = encodeMessage(
      newMessage({
        messageType: MessageType.InputStreamData,
        sequenceNumber: 2,
        payloadType: PayloadType.Output,
        payload: Buffer.concat(encodeData(sid, Buffer.from("ping"))),
      }),
    );
    client.sendRaw(again);
    await client.waitFor(() => ackCount(2) === 2, 3000, "the re-ack");
    await new Promise((r) => setTimeout(r, 100));
    expect(mux.received(sid).toString()).toBe("ping");
    expect(echo().received[0].toString()).toBe("ping");
    expect(h.emu.dataChannel.session(session.sessionId)!.stats.duplicatesReacked).toBe(1);
  });

  it("retransmits the oldest unacked message once per RTO with identical bytes, not on every 100 ms tick", async () => {
    const session = await startPortSession(h.emu, echo().port);
    const client = await h.connect(session);
    await client.handshake();
    const mux = new SmuxClient(client);
    client.autoAck = (m) => m.payloadType !== PayloadType.Output; // withhold acks for data only
    const sid = mux.open();
    mux.write(sid, Buffer.from("x"));
    await new Promise((r) => setTimeout(r, 1500));
    const copies = client.received.filter(
      (r) => r.message.messageType === MessageType.OutputStreamData && r.message.payloadType === PayloadType.Output,
    );
    const seqs = new Set(copies.map((r) => r.message.sequenceNumber));
    expect(seqs.size).toBe(1); // only the head is resent
    expect(new Set(copies.map((r) => r.message.messageId)).size).toBe(1);
    expect(new Set(copies.map((r) => r.message.createdDate)).size).toBe(1);
    expect(copies.length).toBeGreaterThanOrEqual(3);
    const gaps = copies.slice(1).map((r, i) => r.at - copies[i].at);
    // The agent stores LastSentTime back: gaps are one RTO (≥ ~150 ms here, ≤ 1 s), never the 100 ms tick.
    for (const g of gaps) {
      expect(g).toBeGreaterThanOrEqual(150);
      expect(g).toBeLessThanOrEqual(1100);
    }
    const stats = h.emu.dataChannel.session(session.sessionId)!.stats;
    // One resend may still be in flight on loopback when the copies were counted.
    expect([copies.length - 1, copies.length]).toContain(stats.retransmissions);
    const logged = h.emu.log.filter((e) => e.service === "data-channel" && e.operation === "retransmit");
    expect(logged).toHaveLength(stats.retransmissions);

    client.autoAck = true;
    await client.waitFor(() => mux.received(sid).toString() === "x", 3000, "delivery after acks resume");
    const settled = h.emu.dataChannel.session(session.sessionId)!.stats.retransmissions;
    await new Promise((r) => setTimeout(r, 600));
    expect(h.emu.dataChannel.session(session.sessionId)!.stats.retransmissions).toBe(settled);
  });

  it("keeps every agent message within 1024 payload bytes and acks each input message once", async () => {
    const session = await startPortSession(h.emu, echo().port);
    const client = await h.connect(session);
    await client.handshake();
    const mux = new SmuxClient(client);
    const sid = mux.open();
    const data = Buffer.alloc(100_000);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7) & 0xff;
    mux.write(sid, data);
    await client.waitFor(() => mux.received(sid).length === data.length, 10000, "the echo");
    expect(mux.received(sid).equals(data)).toBe(true);
    const outputs = client.delivered.filter((m) => m.payloadType === PayloadType.Output);
    expect(Math.max(...outputs.map((m) => m.payload.length))).toBe(1024);
    expect(client.unacked.size).toBe(0);
    // PSH frames never exceed 32768 bytes of data.
    expect(Math.max(...mux.frames.filter((f) => f.streamId === sid).map((f) => f.length))).toBeLessThanOrEqual(32768);
  });
});
