import { MessageType, PayloadType } from "../../src/lib/ssm/message";
import { agentMessage, handshakeComplete, handshakeRequest } from "./helpers/fake-socket";
import { flush, setup, TOKEN, URL } from "./helpers/channel-setup";

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

  it.each([
    ["not JSON", "HandshakeRequest {", /could not be read \(it is not JSON\)/],
    ["JSON but not an object", "[1, 2]", /could not be read/],
    ["without a SessionType action", JSON.stringify({ AgentVersion: "3.3.987.0" }), /names no session type/],
    [
      "for a shell session",
      JSON.stringify({
        AgentVersion: "3.3.987.0",
        RequestedClientActions: [{ ActionType: "SessionType", ActionParameters: { SessionType: "Standard_Stream" } }],
      }),
      /offered a Standard_Stream session, not port forwarding/,
    ],
  ])(
    "a HandshakeRequest %s: declined in the response, then open() fails at once with the reason",
    async (_l, body, why) => {
      const t = setup();
      const opened = t.channel.open();
      const ws = t.dialer.last();
      ws.accept();
      ws.deliver(agentMessage(0, PayloadType.HandshakeRequest, body));
      await expect(opened).rejects.toThrow(why);
      const response = JSON.parse(ws.data()[0].payload.toString());
      expect(response.Errors.length).toBeGreaterThan(0);
      expect(t.ended).toEqual([["error", expect.stringMatching(why)]]);
      expect(ws.readyState).toBe(3); // closed
    },
  );

  it("ends with an error when no handshake arrives", async () => {
    const t = setup({ handshakeTimeoutMs: 5000 });
    const opened = t.channel.open();
    t.dialer.last().accept();
    t.clock.advance(5000);
    await expect(opened).rejects.toThrow(/no handshake/);
    expect(t.ended[0][0]).toBe("error");
  });
});
