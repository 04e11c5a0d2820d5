// Session lifecycle on the data channel: token check, resume after a dropped socket, channel_closed on idle timeout,
// TerminateSession (API and Flag 2), and what the log keeps.
import { ResumeSessionCommand, TerminateSessionCommand } from "@aws-sdk/client-ssm";
import { Flag, MessageType, parseAck, PayloadType } from "../../src/lib/ssm/message";
import { issueCredentials, ssmClient } from "./support/aws";
import { sleep, useDataChannelHarness } from "./support/data-channel-harness";
import { startPortSession } from "./support/session";
import { SmuxClient } from "./support/smux-client";
import { SpecClient } from "./support/spec-client";
import { startSourceServer } from "./support/tcp";
import { IDLE_TIMEOUT_OUTPUT } from "./agent/session";

const { h, echo } = useDataChannelHarness();

async function resume(sessionId: string): Promise<string | undefined> {
  const ssm = ssmClient(h.emu, issueCredentials(h.emu));
  try {
    return (await ssm.send(new ResumeSessionCommand({ SessionId: sessionId }))).TokenValue;
  } finally {
    ssm.destroy();
  }
}

describe("opening the channel", () => {
  it("closes the socket for a wrong token and never logs tokens", async () => {
    const session = await startPortSession(h.emu, echo().port);
    const intruder = new SpecClient(session.streamUrl);
    await intruder.open("not-the-token");
    await intruder.waitFor(() => intruder.closeEvents[0], 3000, "close");
    expect(intruder.closeEvents[0].code).toBe(1008);
    expect(intruder.received).toHaveLength(0);
    await intruder.close();
    expect(h.emu.dataChannel.sessions()).toHaveLength(0);

    const client = await h.connect(session);
    await client.handshake();
    const refused = h.emu.log.filter((e) => e.service === "data-channel" && e.operation === "open-refused");
    expect(refused).toHaveLength(1);
    expect(JSON.stringify(h.emu.log)).not.toContain(session.token);
  });

  it("can send HandshakeComplete before the ack (knob reversedHandshakeOrder), as two separate reads", async () => {
    h.emu.knobs.reversedHandshakeOrder = true;
    const session = await startPortSession(h.emu, echo().port);
    const client = await h.connect(session);
    await client.handshake();
    await client.waitFor(() => client.acked.has(0));
    const complete = client.received.find((r) => r.message.payloadType === PayloadType.HandshakeComplete)!;
    const ack = client.received.find((r) => r.message.messageType === MessageType.Acknowledge)!;
    expect(client.received.indexOf(complete)).toBeLessThan(client.received.indexOf(ack));
    // Written together, both frames would reach the client in one read and be handled in one go.
    expect(complete.read).toBeLessThan(ack.read);
  });

  it("in the normal order, sends the ack before HandshakeComplete", async () => {
    const session = await startPortSession(h.emu, echo().port);
    const client = await h.connect(session);
    await client.handshake();
    await client.waitFor(() => client.acked.has(0));
    const complete = client.received.findIndex((r) => r.message.payloadType === PayloadType.HandshakeComplete);
    const ack = client.received.findIndex((r) => r.message.messageType === MessageType.Acknowledge);
    expect(ack).toBeLessThan(complete);
  });
});

describe("resume", () => {
  it.each([
    ["close 1000 Bye", false, 1000],
    ["abrupt close (1006)", true, 1006],
  ])(
    "continues the same session after %s with a new token, losing no byte",
    async (_label, abrupt, code) => {
      const session = await startPortSession(h.emu, echo().port);
      const client = await h.connect(session);
      await client.handshake();
      const firstRequestId = h.emu.dataChannel.session(session.sessionId)!.lastRequestId;
      const mux = new SmuxClient(client);
      const sid = mux.open();
      const data = Buffer.alloc(300_000);
      for (let i = 0; i < data.length; i++) data[i] = (i * 31 + (i >> 8)) & 0xff;
      h.emu.dataChannel.closeSocketAfter(40, { sessionId: session.sessionId, abrupt });
      mux.write(sid, data);

      await client.waitFor(() => client.closeEvents[0], 5000, "the drop");
      expect(client.closeEvents[0].code).toBe(code);
      if (!abrupt) expect(client.closeEvents[0].reason).toBe("Bye");
      expect(mux.received(sid).length).toBeLessThan(data.length);
      const seqBefore = client.delivered.length;

      const token = await resume(session.sessionId);
      expect(token).toBeTruthy();
      expect(token).not.toBe(session.token);
      await client.open(token!); // the original StreamUrl, the same ClientId
      await client.waitFor(() => mux.received(sid).length === data.length, 20_000, "the rest of the echo");
      expect(mux.received(sid).equals(data)).toBe(true);

      // Sequence numbers continued across the reconnect: no new handshake, no reset.
      expect(client.delivered.map((m) => m.sequenceNumber)).toEqual(client.delivered.map((_, i) => i));
      expect(client.delivered.length).toBeGreaterThan(seqBefore);
      expect(client.delivered.filter((m) => m.payloadType === PayloadType.HandshakeRequest)).toHaveLength(1);
      const view = h.emu.dataChannel.session(session.sessionId)!;
      expect(view.lastClientId).toBe(client.clientId);
      expect(view.lastRequestId).not.toBe(firstRequestId);
      expect(view.connectedSockets).toBe(1);
      expect(echo().accepted).toBe(1); // the destination connection survived
      expect(JSON.stringify(h.emu.log)).not.toContain(token!);
    },
    30_000,
  );

  it("can refuse the next WebSocket upgrades (an outage during reconnect), then accepts the resumed token", async () => {
    const session = await startPortSession(h.emu, echo().port);
    const client = await h.connect(session);
    await client.handshake();
    h.emu.dataChannel.refuseConnections(2, { sessionId: session.sessionId });
    h.emu.dataChannel.closeSocket({ sessionId: session.sessionId });
    await client.waitFor(() => client.closeEvents[0]);
    const token = (await resume(session.sessionId))!;
    for (let i = 0; i < 2; i++) await expect(client.open(token)).rejects.toThrow(/503/);
    await client.open(token);
    const mux = new SmuxClient(client);
    const sid = mux.open();
    mux.write(sid, Buffer.from("back"));
    await client.waitFor(() => mux.received(sid).toString() === "back");
    expect(h.emu.log.filter((e) => e.operation === "connect-refused")).toHaveLength(2);
  });

  it("answers ResumeSession without a token when resume is refused, or after the session ended", async () => {
    const session = await startPortSession(h.emu, echo().port);
    h.emu.dataChannel.refuseResume(session.sessionId);
    expect(await resume(session.sessionId)).toBeUndefined();
    const other = await startPortSession(h.emu, echo().port);
    expect(await resume(other.sessionId)).toBeTruthy();
    h.emu.dataChannel.endSession(other.sessionId, "bye");
    expect(await resume(other.sessionId)).toBeUndefined();
  });
});

describe("channel_closed", () => {
  it("closes an idle session with AWS's message; stream data keeps another alive", async () => {
    h.emu.knobs.idleTimeoutSeconds = 0.8;
    const idle = await startPortSession(h.emu, echo().port);
    const busy = await startPortSession(h.emu, echo().port);
    const a = await h.connect(idle);
    const b = await h.connect(busy);
    await Promise.all([a.handshake(), b.handshake()]);
    const muxB = new SmuxClient(b);
    const sid = muxB.open();
    const timer = setInterval(() => muxB.write(sid, Buffer.from(".")), 150);
    try {
      const closed = await a.waitForType(MessageType.ChannelClosed, 3000);
      const body = JSON.parse(closed.payload.toString());
      expect(body).toMatchObject({
        SessionId: idle.sessionId,
        DestinationId: "i-0123456789abcdef0",
        MessageType: "channel_closed",
        SchemaVersion: 1,
        Output: IDLE_TIMEOUT_OUTPUT,
      });
      expect(typeof body.CreatedDate).toBe("string");
      expect(closed.payloadType).toBe(0);
      await a.waitFor(() => a.closeEvents[0], 2000, "socket close");
      expect(h.emu.ssm.sessions.get(idle.sessionId)!.status).toBe("Terminated");
      expect(await resume(idle.sessionId)).toBeUndefined();
      await sleep(600);
      expect(b.received.some((r) => r.message.messageType === MessageType.ChannelClosed)).toBe(false);
    } finally {
      clearInterval(timer);
    }
  });

  it("is sent to the connected client on TerminateSession and the destination connections close", async () => {
    const session = await startPortSession(h.emu, echo().port);
    const client = await h.connect(session);
    await client.handshake();
    const mux = new SmuxClient(client);
    const sid = mux.open();
    mux.write(sid, Buffer.from("hi"));
    await client.waitFor(() => mux.received(sid).length === 2);
    expect(echo().open()).toBe(1);

    const ssm = ssmClient(h.emu, issueCredentials(h.emu));
    await ssm.send(new TerminateSessionCommand({ SessionId: session.sessionId }));
    ssm.destroy();
    const closed = await client.waitForType(MessageType.ChannelClosed, 3000);
    expect(JSON.parse(closed.payload.toString()).SessionId).toBe(session.sessionId);
    await client.waitFor(() => echo().open() === 0, 3000, "destination closed");
    expect(h.emu.dataChannel.session(session.sessionId)!.ended).toBe(true);
  });

  it("follows Flag TerminateSession: ack, then channel_closed", async () => {
    const session = await startPortSession(h.emu, echo().port);
    const client = await h.connect(session);
    await client.handshake();
    const seq = client.sendFlag(Flag.TerminateSession);
    const closed = await client.waitForType(MessageType.ChannelClosed, 3000);
    const ackIndex = client.received.findIndex(
      (r) =>
        r.message.messageType === MessageType.Acknowledge &&
        parseAck(r.message)?.AcknowledgedMessageSequenceNumber === seq,
    );
    expect(ackIndex).toBeGreaterThanOrEqual(0);
    expect(ackIndex).toBeLessThan(client.received.findIndex((r) => r.message === closed));
    expect(h.emu.ssm.sessions.get(session.sessionId)!.status).toBe("Terminated");
    expect(h.emu.log.some((e) => e.service === "data-channel" && e.operation === "flag")).toBe(true);
  });
});

describe("agent-side limits", () => {
  it("fails the session when no HandshakeResponse arrives in time", async () => {
    h.emu.dataChannel.timing.handshakeTimeoutMs = 300;
    const session = await startPortSession(h.emu, echo().port);
    const client = await h.connect(session);
    await client.waitForDelivered((m) => m.payloadType === PayloadType.HandshakeRequest);
    const closed = await client.waitForType(MessageType.ChannelClosed, 3000);
    expect(JSON.parse(closed.payload.toString()).Output).toBe(
      "Handshake timed out. Please ensure that you have the latest version of the session manager plugin.",
    );
  });

  it("stops sending on pause_publication and resumes on start_publication", async () => {
    const payload = Buffer.alloc(20_000, "p");
    const source = await startSourceServer(payload, 300);
    h.onCleanup(() => source.close());
    const session = await startPortSession(h.emu, source.port);
    const client = await h.connect(session);
    await client.handshake();
    const mux = new SmuxClient(client);
    const sid = mux.open();
    await client.waitFor(() => client.unacked.size === 0);
    h.emu.dataChannel.pausePublication(session.sessionId);
    await client.waitForType(MessageType.PausePublication, 2000);
    const before = h.emu.dataChannel.session(session.sessionId)!.stats.messagesOut;
    await sleep(700); // the destination has spoken by now, but the agent holds its output
    expect(h.emu.dataChannel.session(session.sessionId)!.stats.messagesOut).toBe(before);
    expect(mux.received(sid).length).toBe(0);
    h.emu.dataChannel.startPublication(session.sessionId);
    await client.waitForType(MessageType.StartPublication, 2000);
    await client.waitFor(() => mux.finished(sid), 5000, "the output after resume");
    expect(mux.received(sid).equals(payload)).toBe(true);
  });
});
