// Fault injection on the data channel (drop, duplicate, reorder, delay, withheld acks, socket drops) and pacing: the
// protocol must still deliver every byte, and the stats must show what happened.
import { MessageType, PayloadType } from "../../src/lib/ssm/message";
import { FaultTable, seededRandom, type MessageFault } from "./agent/faults";
import { useDataChannelHarness } from "./support/data-channel-harness";
import { startPortSession } from "./support/session";
import { SmuxClient } from "./support/smux-client";
import type { SpecClient } from "./support/spec-client";
import { startSourceServer, startStalledSink } from "./support/tcp";

const { h, echo } = useDataChannelHarness();

function pattern(n: number, salt = 0): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 13 + salt + (i >> 10)) & 0xff;
  return b;
}

async function echoSession(): Promise<{ sessionId: string; client: SpecClient; mux: SmuxClient }> {
  const session = await startPortSession(h.emu, echo().port);
  const client = await h.connect(session);
  await client.handshake();
  return { sessionId: session.sessionId, client, mux: new SmuxClient(client) };
}

async function roundTrip(client: SpecClient, mux: SmuxClient, data: Buffer, timeoutMs = 15_000): Promise<void> {
  const sid = mux.open();
  mux.write(sid, data);
  await client.waitFor(() => mux.received(sid).length >= data.length, timeoutMs, "the echo");
  expect(mux.received(sid).equals(data)).toBe(true);
}

const streamCopies = (client: SpecClient) =>
  client.received.filter((r) => r.message.messageType === MessageType.OutputStreamData).length;

describe("faults towards the client", () => {
  it.each<[string, Partial<MessageFault>]>([
    ["drop", { action: "drop", count: 3 }],
    ["duplicate", { action: "duplicate", count: 3 }],
    ["reorder", { action: "reorder", count: 3 }],
    ["delay", { action: "delay", count: 3, delayMs: 150 }],
  ])("%s: every byte still arrives", async (_name, fault) => {
    const { sessionId, client, mux } = await echoSession();
    h.emu.dataChannel.addMessageFault({ direction: "to-client", action: "drop", sessionId, ...fault });
    await roundTrip(client, mux, pattern(20_000));
    const stats = h.emu.dataChannel.session(sessionId)!.stats;
    expect(stats.faultsApplied).toBe(3);
    if (fault.action === "drop") expect(stats.retransmissions).toBeGreaterThanOrEqual(3);
    if (fault.action === "duplicate") expect(streamCopies(client)).toBeGreaterThanOrEqual(client.delivered.length + 3);
    expect(h.emu.log.filter((e) => e.service === "data-channel" && e.operation === "fault")).toHaveLength(3);
  });
});

describe("faults towards the agent", () => {
  it("drop: the client's retransmission fills the gap", async () => {
    const { sessionId, client, mux } = await echoSession();
    h.emu.dataChannel.addMessageFault({ direction: "to-agent", action: "drop", count: 2, sessionId });
    await roundTrip(client, mux, pattern(10_000));
    expect(h.emu.dataChannel.session(sessionId)!.stats.faultsApplied).toBe(2);
  });

  it("duplicate: the agent re-acks instead of delivering twice", async () => {
    const { sessionId, client, mux } = await echoSession();
    h.emu.dataChannel.addMessageFault({ direction: "to-agent", action: "duplicate", count: 2, sessionId });
    await roundTrip(client, mux, pattern(10_000));
    expect(h.emu.dataChannel.session(sessionId)!.stats.duplicatesReacked).toBe(2);
    expect(echo().received[0].length).toBe(10_000);
  });

  it("reorder: the agent buffers the early message, acks it, and delivers in order", async () => {
    const { sessionId, client, mux } = await echoSession();
    h.emu.dataChannel.addMessageFault({ direction: "to-agent", action: "reorder", count: 2, sessionId });
    await roundTrip(client, mux, pattern(10_000));
    expect(h.emu.dataChannel.session(sessionId)!.stats.outOfOrderBuffered).toBeGreaterThanOrEqual(1);
  });

  it("withheld acks: the client resends, the agent re-acks, nothing is delivered twice", async () => {
    const { sessionId, client, mux } = await echoSession();
    h.emu.dataChannel.withholdAcks({ sessionId, count: 3 });
    await roundTrip(client, mux, pattern(5_000));
    await client.waitFor(() => client.unacked.size === 0, 5000, "all acked");
    const stats = h.emu.dataChannel.session(sessionId)!.stats;
    expect(stats.acksWithheld).toBe(3);
    expect(stats.duplicatesReacked).toBeGreaterThanOrEqual(1);
    expect(echo().received[0].length).toBe(5_000);
  });

  it("withheld acks until released", async () => {
    const { sessionId, client, mux } = await echoSession();
    h.emu.dataChannel.withholdAcks({ sessionId });
    const sid = mux.open();
    mux.write(sid, Buffer.from("held"));
    await new Promise((r) => setTimeout(r, 700));
    expect(client.unacked.size).toBeGreaterThan(0);
    expect(mux.received(sid).toString()).toBe("held"); // processed, only the acks were withheld
    h.emu.dataChannel.releaseAcks(sessionId);
    await client.waitFor(() => client.unacked.size === 0, 3000, "acks after release");
  });
});

describe("probabilistic faults", () => {
  it("a seeded RNG gives the same decisions for the same seed", () => {
    const decisions = (seed: number) => {
      const t = new FaultTable();
      t.random = seededRandom(seed);
      t.add({ direction: "to-client", action: "drop", probability: 0.3 });
      return Array.from({ length: 50 }, () => !!t.take("to-client", "s", "stream"));
    };
    expect(decisions(7)).toEqual(decisions(7));
    expect(decisions(7)).not.toEqual(decisions(8));
    expect(decisions(7).filter(Boolean).length).toBeGreaterThan(5);
  });

  it("15% loss in both directions still delivers every byte of several streams", async () => {
    const { sessionId, client, mux } = await echoSession();
    h.emu.dataChannel.seed(42);
    h.emu.dataChannel.addMessageFault({
      direction: "to-client",
      action: "drop",
      probability: 0.15,
      sessionId,
      kinds: "all",
    });
    h.emu.dataChannel.addMessageFault({
      direction: "to-agent",
      action: "drop",
      probability: 0.15,
      sessionId,
      kinds: "all",
    });
    await Promise.all([
      roundTrip(client, mux, pattern(8_000, 1), 25_000),
      roundTrip(client, mux, pattern(8_000, 2), 25_000),
    ]);
    const stats = h.emu.dataChannel.session(sessionId)!.stats;
    expect(stats.faultsApplied).toBeGreaterThan(0);
    expect(stats.retransmissions).toBeGreaterThan(0);
  }, 40_000);
});

describe("socket controls and stats", () => {
  it("closes every session's socket at once and counts bytes each way", async () => {
    const one = await echoSession();
    const two = await echoSession();
    const data = pattern(3000);
    await roundTrip(one.client, one.mux, data);
    const stats = h.emu.dataChannel.session(one.sessionId)!.stats;
    const sentOutput = one.client.outputBytes().length;
    expect(stats.bytesOut).toBe(sentOutput);
    expect(stats.bytesIn).toBe(8 + 8 + data.length); // SYN, then one PSH header and its data
    expect(stats.messagesIn).toBeGreaterThan(3);
    expect(stats.messagesOut).toBe(one.client.delivered.length);

    expect(h.emu.dataChannel.closeSocket()).toBe(2);
    await one.client.waitFor(() => one.client.closeEvents[0]);
    await two.client.waitFor(() => two.client.closeEvents[0]);
    expect(one.client.closeEvents[0]).toEqual({ code: 1000, reason: "Bye" });
    await one.client.waitFor(() => h.emu.dataChannel.session(one.sessionId)!.connectedSockets === 0);
  });
});

describe("pacing", () => {
  /** Downloads `size` bytes through one smux stream; returns the agent's counters and what the client saw. */
  async function download(size: number) {
    const source = await startSourceServer(pattern(size));
    h.onCleanup(() => source.close());
    const session = await startPortSession(h.emu, source.port);
    const client = await h.connect(session);
    await client.handshake();
    const mux = new SmuxClient(client);
    const sid = mux.open();
    await client.waitFor(() => mux.finished(sid), 20_000, "the whole payload");
    expect(mux.received(sid).equals(pattern(size))).toBe(true);
    const outputs = client.received.filter(
      (r) => r.message.messageType === MessageType.OutputStreamData && r.message.payloadType === PayloadType.Output,
    );
    return { stats: h.emu.dataChannel.session(session.sessionId)!.stats, outputs };
  }

  it("is on by default: at most 1 KiB per message and at least 1 ms after each, by the agent's own counters", async () => {
    expect(h.emu.knobs.pacing).toBe(true);
    const { stats, outputs } = await download(128 * 1024);
    expect(stats.largestOutput).toBe(1024);
    const dataMessages = outputs.filter((r) => r.message.payload.length > 0).length;
    expect(dataMessages).toBeGreaterThanOrEqual(128);
    expect(stats.pacingSleeps).toBeGreaterThanOrEqual(dataMessages - 1); // the last sleep may still be running
    expect(stats.pacedMs).toBeGreaterThanOrEqual(stats.pacingSleeps);
    // The client sees the spacing too: 128 messages cannot arrive in less than 127 ms.
    expect(outputs[outputs.length - 1].at - outputs[0].at).toBeGreaterThanOrEqual(dataMessages - 1);
  });

  it("pacing: false sends the same 1 KiB messages without sleeping (for measuring the client's own cost)", async () => {
    h.emu.knobs.pacing = false;
    const { stats } = await download(128 * 1024);
    expect(stats.largestOutput).toBe(1024);
    expect(stats.pacingSleeps).toBe(0);
    expect(stats.pacedMs).toBe(0);
  });
});

describe("head-of-line blocking", () => {
  it("stops reading the data channel while a destination does not drain, and catches up afterwards", async () => {
    const sink = await startStalledSink();
    h.onCleanup(() => sink.close());
    const session = await startPortSession(h.emu, sink.port);
    const client = await h.connect(session, { retransmitMs: 1000 });
    await client.handshake();
    const mux = new SmuxClient(client);
    const sid = mux.open();
    const data = pattern(16 * 1024 * 1024);
    mux.write(sid, data);
    await client.waitFor(
      () => h.emu.log.some((e) => e.operation === "inbound-blocked"),
      20_000,
      "the agent to stop reading",
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(client.unacked.size).toBeGreaterThan(1000); // acks stalled with the reads
    sink.release();
    await client.waitFor(() => sink.received[0]?.length === data.length, 40_000, "all bytes at the destination");
    expect(sink.received[0].equals(data)).toBe(true);
    await client.waitFor(() => client.unacked.size === 0, 10_000, "all acked");
    expect(h.emu.log.some((e) => e.operation === "inbound-resumed")).toBe(true);
  }, 60_000);
});
