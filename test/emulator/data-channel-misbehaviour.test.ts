// The agent misbehaving on purpose (DataChannelControls.behaviour), so the client's error paths can be tested: a
// handshake that never comes, is not JSON or is for a shell session, and sessions that close right after opening.
// Also what a real agent does when the client fails a handshake action.
import { MessageType, PayloadType } from "../../src/lib/ssm/message";
import { CLOSED_AFTER_HANDSHAKE_OUTPUT } from "./agent/handshake";
import { useDataChannelHarness } from "./support/data-channel-harness";
import { startPortSession } from "./support/session";

const { h, echo } = useDataChannelHarness();

function failedResponse(error: string): Buffer {
  return Buffer.from(
    JSON.stringify({
      ClientVersion: "1.2.677.0",
      ProcessedClientActions: [{ ActionType: "SessionType", ActionStatus: 2, ActionResult: null, Error: error }],
      Errors: [error],
    }),
  );
}

describe("handshake behaviour", () => {
  it("none: no HandshakeRequest at all; the agent gives up after its handshake timeout", async () => {
    h.emu.dataChannel.behaviour.handshake = "none";
    h.emu.dataChannel.timing.handshakeTimeoutMs = 300;
    const session = await startPortSession(h.emu, echo().port);
    const client = await h.connect(session);
    const closed = await client.waitForType(MessageType.ChannelClosed, 3000);
    expect(JSON.parse(closed.payload.toString()).Output).toMatch(/^Handshake timed out/);
    expect(client.delivered).toHaveLength(0);
  });

  it("not-json: a HandshakeRequest whose payload is not JSON", async () => {
    h.emu.dataChannel.behaviour.handshake = "not-json";
    const session = await startPortSession(h.emu, echo().port);
    const client = await h.connect(session);
    const request = await client.waitForDelivered((m) => m.payloadType === PayloadType.HandshakeRequest);
    expect(() => JSON.parse(request.payload.toString())).toThrow();
  });

  it("wrong-session-type: asks for a Standard_Stream session", async () => {
    h.emu.dataChannel.behaviour.handshake = "wrong-session-type";
    const session = await startPortSession(h.emu, echo().port);
    const client = await h.connect(session);
    const request = await client.waitForDelivered((m) => m.payloadType === PayloadType.HandshakeRequest);
    const action = JSON.parse(request.payload.toString()).RequestedClientActions[0];
    expect(action.ActionParameters.SessionType).toBe("Standard_Stream");
  });

  it("a failed client action: acked, no HandshakeComplete, the session is cancelled with the client's error", async () => {
    const session = await startPortSession(h.emu, echo().port);
    const client = await h.connect(session);
    await client.waitForDelivered((m) => m.payloadType === PayloadType.HandshakeRequest);
    const seq = client.sendStream(PayloadType.HandshakeResponse, failedResponse("not a port session"));
    const closed = await client.waitForType(MessageType.ChannelClosed, 3000);
    expect(client.acked.has(seq)).toBe(true);
    expect(client.delivered.some((m) => m.payloadType === PayloadType.HandshakeComplete)).toBe(false);
    // datachannel.go: "%s failed on client with status %v error: %s"
    expect(JSON.parse(closed.payload.toString()).Output).toBe(
      "SessionType failed on client with status 2 error: not a port session",
    );
    expect(h.emu.ssm.sessions.get(session.sessionId)!.status).toBe("Terminated");
  });
});

describe("closeAfterHandshakeMs", () => {
  it("sends channel_closed that long after HandshakeComplete, on every new session", async () => {
    h.emu.dataChannel.behaviour.closeAfterHandshakeMs = 200;
    for (let i = 0; i < 2; i++) {
      const session = await startPortSession(h.emu, echo().port);
      const client = await h.connect(session);
      const { complete } = await client.handshake();
      const closed = await client.waitForType(MessageType.ChannelClosed, 3000);
      const at = (m: object) => client.received.find((r) => r.message === m)!.at;
      expect(at(closed) - at(complete)).toBeGreaterThanOrEqual(150);
      expect(JSON.parse(closed.payload.toString()).Output).toBe(CLOSED_AFTER_HANDSHAKE_OUTPUT);
      expect(h.emu.ssm.sessions.get(session.sessionId)!.status).toBe("Terminated");
    }
  });
});
