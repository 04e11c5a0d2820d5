// The emulated agent, driven by the minimal spec client: handshake, acks and both forwarding modes.
import { MessageType, PayloadType } from "../../src/lib/ssm/message";
import { AGENT_VERSIONS } from "./knobs";
import { Harness, startPortSession } from "./support/session";
import { SmuxClient } from "./support/smux-client";
import { startEchoServer, type TcpTarget } from "./support/tcp";

const h = new Harness();
let echo: TcpTarget;

beforeEach(async () => {
  await h.start();
  echo = await startEchoServer();
  h.onCleanup(() => echo.close());
});
afterEach(() => h.stop());

describe("handshake", () => {
  it("sends HandshakeRequest seq 0 flags 1 with the session's properties, then acks the response before HandshakeComplete", async () => {
    const session = await startPortSession(h.emu, echo.port);
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
      Properties: { portNumber: String(echo.port), type: "LocalPortForwarding", localPortNumber: "15432" },
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
    const session = await startPortSession(h.emu, echo.port);
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
    expect(echo.accepted).toBe(6);
    // Every message from the agent fits 1024 bytes of payload.
    expect(client.received.every((r) => r.message.payload.length <= 1024)).toBe(true);

    for (const sid of payloads.keys()) mux.fin(sid);
    await client.waitFor(() => [...payloads.keys()].every((sid) => mux.finished(sid)), 5000, "FINs");
    await client.waitFor(() => h.emu.dataChannel.session(session.sessionId)!.connections === 0, 5000, "streams closed");
  });
});
