import { Socket } from "node:net";
import { PortForwardingSession } from "../../src/lib/ssm/port-forwarding/port-forwarding-session";
import { PayloadType } from "../../src/lib/ssm/message";
import { Cmd, FrameReader } from "../../src/lib/ssm/smux/frame";
import { FakeClock } from "./helpers/fake-clock";
import { fakeDialer, handshakeComplete, handshakeRequest } from "./helpers/fake-socket";

function setup(agentVersion: string) {
  const clock = new FakeClock();
  const dialer = fakeDialer();
  const terminateSession = jest.fn(async () => undefined);
  const session = new PortForwardingSession({
    sessionId: "s-1",
    streamUrl: "ws://127.0.0.1:1/v1/data-channel/s-1",
    tokenValue: "tok",
    clientId: "c-1",
    resume: async () => "tok-2",
    terminateSession,
    clock,
    channel: { dial: dialer.dial, random: () => 0.5 },
  });
  const events: unknown[][] = [];
  for (const e of ["handshake", "reconnecting", "reconnected", "ended"]) {
    session.on(e, (...args: unknown[]) => events.push([e, ...args]));
  }
  const start = async () => {
    const started = session.start();
    const ws = dialer.last();
    ws.accept();
    ws.deliver(handshakeRequest(agentVersion, { localPortNumber: "15432" }));
    ws.deliver(handshakeComplete());
    return { ws, info: await started };
  };
  return { clock, dialer, session, terminateSession, events, start };
}

const flush = () => new Promise((r) => setImmediate(r));

describe("PortForwardingSession", () => {
  it("refuses connections before start and reports mode and properties after the handshake", async () => {
    const t = setup("3.3.987.0");
    expect(t.session.handleConnection(new Socket())).toBe(false);
    const { info } = await t.start();
    expect(info).toMatchObject({ agentVersion: "3.3.987.0", mode: "mux" });
    expect(info.properties.localPortNumber).toBe("15432");
    expect(t.events[0][0]).toBe("handshake");
    t.session.terminate(0).catch(() => undefined);
  });

  it("mux: terminate sends the TerminateSession flag, waits for its ack, then calls the API", async () => {
    const t = setup("3.3.987.0");
    const { ws } = await t.start();
    const done = t.session.terminate(1000);
    const flag = ws.data().find((m) => m.payloadType === PayloadType.Flag)!;
    expect(flag.payload).toEqual(Buffer.from([0, 0, 0, 2]));
    expect(t.terminateSession).not.toHaveBeenCalled();
    ws.ackClient(flag);
    await done;
    expect(t.terminateSession).toHaveBeenCalledTimes(1);
    expect(t.events.at(-1)).toEqual(["ended", "terminated", expect.any(String)]);
    expect(t.session.handleConnection(new Socket())).toBe(false);
  });

  it("basic with an agent ≤ 2.3.722.0: no flag, only the TerminateSession API", async () => {
    const t = setup("2.3.722.0");
    const { ws, info } = await t.start();
    expect(info.mode).toBe("basic");
    await t.session.terminate(1000);
    expect(ws.data().some((m) => m.payloadType === PayloadType.Flag)).toBe(false);
    expect(t.terminateSession).toHaveBeenCalledTimes(1);
  });

  it("passes reconnect events through and keeps going", async () => {
    const t = setup("3.3.987.0");
    const { ws } = await t.start();
    ws.drop(1000);
    await flush();
    t.dialer.last().accept();
    await flush();
    expect(t.events.map((e) => e[0])).toEqual(["handshake", "reconnecting", "reconnected"]);
    expect(t.session.ended).toBeUndefined();
    t.session.terminate(0).catch(() => undefined);
  });

  it("with agent 3.1.0.0 sends smux NOPs and ends the session after 30 s without a frame from the agent", async () => {
    const t = setup("3.1.0.0");
    const { ws } = await t.start();
    ws.ackClient(ws.data()[0]);
    t.clock.advance(10_000);
    const smux = new FrameReader().push(
      Buffer.concat(
        ws
          .data()
          .slice(1)
          .map((m) => m.payload),
      ),
    );
    expect(smux.map((f) => [f.cmd, f.streamId])).toEqual([[Cmd.NOP, 0]]);
    for (const m of ws.data()) ws.ackClient(m);
    t.clock.advance(20_000);
    expect(t.events.at(-1)).toEqual(["ended", "error", expect.stringMatching(/keepalive timeout/)]);
  });
});
