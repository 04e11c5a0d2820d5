import { DataChannel, type DataChannelOptions } from "../../src/lib/ssm/channel/data-channel";
import { encodeMessage, MessageType, newMessage, PayloadType, type ClientMessage } from "../../src/lib/ssm/message";
import { FakeClock } from "./helpers/fake-clock";
import { agentMessage, fakeDialer, handshakeComplete, handshakeRequest } from "./helpers/fake-socket";

const URL = "wss://ssmmessages.example/v1/data-channel/s-1?role=publish_subscribe&cell-number=AAA";
const TOKEN = "secret-token-1";

function setup(extra: Partial<DataChannelOptions> = {}) {
  const clock = new FakeClock();
  const dialer = fakeDialer();
  const logs: string[] = [];
  const resume = jest.fn<Promise<string | undefined>, []>(async () => "secret-token-2");
  const channel = new DataChannel({
    streamUrl: URL,
    tokenValue: TOKEN,
    clientId: "client-id-1",
    resume,
    dial: dialer.dial,
    clock,
    random: () => 0.5,
    logger: (l) => logs.push(l),
    ...extra,
  });
  const received: Buffer[] = [];
  const ended: [string, string][] = [];
  channel.on("ended", (reason: string, detail: string) => ended.push([reason, detail]));
  return { clock, dialer, logs, resume, channel, received, ended };
}

async function openChannel(t: ReturnType<typeof setup>) {
  const opened = t.channel.open();
  const ws = t.dialer.last();
  ws.accept();
  ws.deliver(handshakeRequest());
  ws.deliver(handshakeComplete());
  const info = await opened;
  t.channel.setHandler({ output: (p) => (t.received.push(p), true), flag: () => undefined });
  return { ws, info };
}

const flush = () => new Promise((r) => setImmediate(r));

describe("DataChannel: opening and handshake", () => {
  it("sends OpenDataChannelInput as the first TEXT frame, and a keepalive ping", () => {
    const t = setup();
    void t.channel.open().catch(() => undefined);
    const ws = t.dialer.last();
    expect(ws.url).toBe(URL);
    ws.accept();
    expect(ws.texts).toHaveLength(1);
    const input = JSON.parse(ws.texts[0]);
    expect(Object.keys(input)).toEqual([
      "MessageSchemaVersion",
      "RequestId",
      "TokenValue",
      "ClientId",
      "ClientVersion",
    ]);
    expect(input).toMatchObject({ MessageSchemaVersion: "1.0", TokenValue: TOKEN, ClientId: "client-id-1" });
    expect(input.ClientVersion).toBe("1.2.677.0");
    expect(input.RequestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(ws.pings).toBe(1);
    t.channel.close();
  });

  it("acks the HandshakeRequest before answering it with the exact §8.2 JSON, then waits for HandshakeComplete", async () => {
    const t = setup();
    let done = false;
    const opened = t.channel.open().then((i) => ((done = true), i));
    const ws = t.dialer.last();
    ws.accept();
    ws.deliver(handshakeRequest("3.3.987.0", { localPortNumber: "15432" }));
    expect(ws.frames.map((m) => m.messageType)).toEqual([MessageType.Acknowledge, MessageType.InputStreamData]);
    expect(ws.acks()).toEqual([0]);
    const response = ws.frames[1];
    expect(response.sequenceNumber).toBe(0);
    expect(response.payloadType).toBe(PayloadType.HandshakeResponse);
    expect(response.payload.toString()).toBe(
      '{"ClientVersion":"1.2.677.0","ProcessedClientActions":[{"ActionType":"SessionType","ActionStatus":1,"ActionResult":null,"Error":""}],"Errors":null}',
    );
    await flush();
    expect(done).toBe(false);
    ws.deliver(handshakeComplete());
    const info = await opened;
    expect(info).toMatchObject({ agentVersion: "3.3.987.0", sessionType: "Port" });
    expect(info.properties.localPortNumber).toBe("15432");
    expect(ws.acks()).toEqual([0, 1]);
    t.channel.close();
  });

  it("accepts HandshakeComplete before the ack of its response, and data right after it (§15 item 3)", async () => {
    const t = setup();
    const opened = t.channel.open();
    const ws = t.dialer.last();
    ws.accept();
    ws.deliver(handshakeRequest());
    ws.deliver(handshakeComplete());
    ws.deliver(agentMessage(2, PayloadType.Output, "early"));
    ws.ackClient(ws.data()[0]);
    await opened;
    expect(ws.acks()).toEqual([0, 1]); // data before a handler exists is neither acked nor lost
    t.channel.setHandler({ output: (p) => (t.received.push(p), true), flag: () => undefined });
    expect(t.received.map(String)).toEqual([]); // seq 2 was refused, not buffered: the agent resends it
    ws.deliver(agentMessage(2, PayloadType.Output, "early"));
    expect(t.received.map(String)).toEqual(["early"]);
    t.channel.close();
  });

  it("declines KMS and unknown actions, and non-Port sessions", async () => {
    const t = setup();
    void t.channel.open().catch(() => undefined);
    const ws = t.dialer.last();
    ws.accept();
    const body = {
      AgentVersion: "3.3.987.0",
      RequestedClientActions: [
        { ActionType: "SessionType", ActionParameters: { SessionType: "InteractiveCommands", Properties: {} } },
        { ActionType: "KMSEncryption", ActionParameters: { KMSKeyId: "k" } },
      ],
    };
    ws.deliver(agentMessage(0, PayloadType.HandshakeRequest, JSON.stringify(body)));
    const response = JSON.parse(ws.data()[0].payload.toString());
    expect(response.ProcessedClientActions.map((a: { ActionStatus: number }) => a.ActionStatus)).toEqual([2, 3]);
    expect(response.Errors).toHaveLength(2);
    t.channel.close();
  });

  it("ends with an error when no handshake arrives", async () => {
    const t = setup({ handshakeTimeoutMs: 5000 });
    const opened = t.channel.open();
    t.dialer.last().accept();
    t.clock.advance(5000);
    await expect(opened).rejects.toThrow(/no handshake/);
    expect(t.ended[0][0]).toBe("error");
  });
});

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

describe("DataChannel: reconnect", () => {
  it("queues data while down, resumes to the original URL with the new token, same ClientId, no new handshake", async () => {
    const t = setup();
    const { ws } = await openChannel(t);
    ws.ackClient(ws.data()[0]);
    t.channel.sendOutput(Buffer.from("before"));
    const reconnecting: number[] = [];
    t.channel.on("reconnecting", (a: number) => reconnecting.push(a));
    let reconnected = 0;
    t.channel.on("reconnected", () => reconnected++);
    ws.drop(1000);
    t.channel.sendOutput(Buffer.from("during")); // §15 item 2: queued, not fatal
    await flush();
    expect(t.resume).toHaveBeenCalledTimes(1);
    expect(reconnecting).toEqual([1]);
    const ws2 = t.dialer.last();
    expect(ws2).not.toBe(ws);
    expect(ws2.url).toBe(URL);
    ws2.accept();
    await flush();
    expect(reconnected).toBe(1);
    const input1 = JSON.parse(ws.texts[0]);
    const input2 = JSON.parse(ws2.texts[0]);
    expect(input2.TokenValue).toBe("secret-token-2");
    expect(input2.ClientId).toBe(input1.ClientId);
    expect(input2.RequestId).not.toBe(input1.RequestId);
    expect(ws2.data().map((m) => [m.sequenceNumber, String(m.payload)])).toEqual([
      [1, "before"],
      [2, "during"],
    ]);
    ws2.deliver(agentMessage(2, PayloadType.Output, "after"));
    expect(t.received.map(String)).toEqual(["after"]);
    expect(ws2.acks()).toEqual([2]);
    expect(t.logs.join("\n")).not.toContain("secret-token");
    t.channel.close();
  });

  it("ends with resume-refused when ResumeSession returns no token", async () => {
    const t = setup();
    t.resume.mockResolvedValue(undefined);
    const { ws } = await openChannel(t);
    ws.drop(1006);
    await flush();
    expect(t.ended).toEqual([["resume-refused", expect.stringContaining("session has ended")]]);
  });

  it("retries with capped, jittered backoff well past 5 s, then gives up after the budget", async () => {
    const t = setup({ backoff: { initialMs: 200, maxMs: 2000, budgetMs: 20_000 } });
    t.resume.mockRejectedValue(Object.assign(new Error("throttled"), { name: "ThrottlingException" }));
    const { ws } = await openChannel(t);
    const delays: number[] = [];
    t.channel.on("reconnecting", (_a: number, d: number) => delays.push(d));
    ws.drop(1006);
    for (let i = 0; i < 200 && t.ended.length === 0; i++) {
      await flush();
      t.clock.advance(250);
    }
    expect(delays.slice(0, 6)).toEqual([0, 150, 300, 600, 1200, 1500]); // random() = 0.5: 3/4 of the base
    expect(Math.max(...delays)).toBe(1500);
    expect(t.resume.mock.calls.length).toBeGreaterThan(10);
    expect(t.ended[0][0]).toBe("error");
    expect(t.logs.join("\n")).toContain("ThrottlingException");
  });

  it("counts a hung ResumeSession as a failed attempt and tries again", async () => {
    const t = setup();
    t.resume.mockImplementationOnce(() => new Promise(() => undefined));
    const { ws } = await openChannel(t);
    ws.drop(1006);
    await flush();
    expect(t.resume).toHaveBeenCalledTimes(1);
    t.clock.advance(30_000);
    await flush();
    t.clock.advance(1000);
    await flush();
    expect(t.resume).toHaveBeenCalledTimes(2);
    expect(t.logs.join("\n")).toContain("ResumeSession took longer");
    t.dialer.last().accept();
    await flush();
    expect(t.ended).toEqual([]);
    t.channel.close();
  });

  it("ends at once when ResumeSession is denied for good", async () => {
    const t = setup();
    t.resume.mockRejectedValue(
      Object.assign(new Error("needs ssm:ResumeSession"), { name: "AccessDeniedException", permanent: true }),
    );
    const { ws } = await openChannel(t);
    ws.drop(1006);
    await flush();
    expect(t.ended).toEqual([["error", expect.stringContaining("AccessDeniedException")]]);
  });

  it("re-dials with the same token when the very first connection fails", async () => {
    const t = setup();
    const opened = t.channel.open();
    t.dialer.last().drop(1006);
    await flush();
    t.clock.advance(1000);
    await flush();
    expect(t.resume).not.toHaveBeenCalled();
    const ws2 = t.dialer.last();
    ws2.accept();
    expect(JSON.parse(ws2.texts[0]).TokenValue).toBe(TOKEN);
    ws2.deliver(handshakeRequest());
    ws2.deliver(handshakeComplete());
    await expect(opened).resolves.toMatchObject({ agentVersion: "3.3.987.0" });
    t.channel.close();
  });

  it("treats a ping period without any inbound frame as a dead socket", async () => {
    const t = setup({ pingIntervalMs: 60_000 });
    const { ws } = await openChannel(t);
    ws.ackClient(ws.data()[0]);
    t.clock.advance(60_000); // traffic since the first ping: ping again
    expect(ws.pings).toBe(2);
    t.clock.advance(60_000); // nothing since: reconnect
    await flush();
    expect(t.resume).toHaveBeenCalledTimes(1);
    t.channel.close();
  });

  it("terminate sends the TerminateSession flag and waits for its ack", async () => {
    const t = setup();
    const { ws } = await openChannel(t);
    const done = t.channel.terminate(1000);
    const flag = ws.data().find((m: ClientMessage) => m.payloadType === PayloadType.Flag)!;
    expect(flag.payload).toEqual(Buffer.from([0, 0, 0, 2]));
    ws.ackClient(flag);
    await done;
    expect(t.ended).toEqual([["terminated", expect.any(String)]]);
  });
});
