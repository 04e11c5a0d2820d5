// Mode choice (§10.1), basic mode, refused destinations, remote hosts and smux keepalive of the emulated agent.
import { Flag, MessageType } from "../../src/lib/ssm/message";
import { Cmd, encodeFrame } from "../../src/lib/ssm/smux/frame";
import { AGENT_VERSIONS } from "./knobs";
import { useDataChannelHarness } from "./support/data-channel-harness";
import { startPortSession } from "./support/session";
import { SmuxClient } from "./support/smux-client";
import type { SpecClient } from "./support/spec-client";
import { unusedPort } from "./support/tcp";

const { h, echo } = useDataChannelHarness();

describe("mode choice", () => {
  it.each([
    [AGENT_VERSIONS.mux, "1.2.677.0", "mux", false],
    [AGENT_VERSIONS.mux, "1.2.0.0", "mux", true], // issue #93: not > 1.2.331.0, so the agent keeps keepalive on
    [AGENT_VERSIONS.mux, "1.1.0.0", "basic", false], // older than 1.1.70
    [AGENT_VERSIONS["mux-keepalive"], "1.2.677.0", "mux", true],
    [AGENT_VERSIONS.basic, "1.2.677.0", "basic", false],
  ])("agent %s with client %s → %s (keepalive %s)", async (agentVersion, clientVersion, mode, keepAlive) => {
    h.emu.knobs.agentVersion = agentVersion;
    const session = await startPortSession(h.emu, echo().port);
    const client = await h.connect(session, { clientVersion });
    const { request } = await client.handshake();
    expect(request.AgentVersion).toBe(agentVersion);
    expect(h.emu.dataChannel.session(session.sessionId)).toMatchObject({ mode, keepAlive, clientVersion });
  });
});

describe("basic mode", () => {
  it("dials at session start, closes on DisconnectToPort and re-dials on the next Output", async () => {
    h.emu.knobs.agentVersion = AGENT_VERSIONS.basic;
    const session = await startPortSession(h.emu, echo().port);
    const client = await h.connect(session);
    await client.handshake();
    await client.waitFor(() => echo().accepted === 1, 3000, "the dial at session start");

    const echoed = () => client.outputBytes().toString();
    client.sendOutput(Buffer.from("first connection"));
    await client.waitFor(() => echoed() === "first connection", 3000, "first echo");
    client.sendFlag(Flag.DisconnectToPort);
    await client.waitFor(() => h.emu.dataChannel.session(session.sessionId)!.connections === 0, 3000, "disconnect");
    expect(echo().accepted).toBe(1);

    client.sendOutput(Buffer.from(" / second"));
    await client.waitFor(() => echoed() === "first connection / second", 3000, "second echo");
    expect(echo().accepted).toBe(2);
    expect(echo().received.map((b) => b.toString())).toEqual(["first connection", " / second"]);

    client.sendFlag(Flag.DisconnectToPort);
    const big = Buffer.alloc(20_000, "b");
    client.sendOutput(big);
    await client.waitFor(() => echo().received[2]?.length === big.length, 5000, "third connection");
    expect(echo().accepted).toBe(3);
  });

  it("ends the session with channel_closed when the destination refuses the dial, in the agent's words", async () => {
    h.emu.knobs.agentVersion = AGENT_VERSIONS.basic;
    const port = await unusedPort();
    const session = await startPortSession(h.emu, port);
    const client = await h.connect(session);
    await client.handshake();
    const closed = await client.waitForType(MessageType.ChannelClosed, 3000);
    // port_basic.go: fmt.Sprintf("Unable to connect to specified port: %v", err) around Go's dial error.
    expect(JSON.parse(closed.payload.toString()).Output).toBe(
      `Unable to connect to specified port: dial tcp 127.0.0.1:${port}: connect: connection refused`,
    );
    expect(h.emu.ssm.sessions.get(session.sessionId)!.status).toBe("Terminated");
  });
});

describe("mux mode destinations", () => {
  it("answers a refused dial with ConnectToPortError (Flag 3) then FIN, and keeps other streams working", async () => {
    const session = await startPortSession(h.emu, echo().port);
    const client = await h.connect(session);
    await client.handshake();
    const mux = new SmuxClient(client);
    const ok = mux.open();
    mux.write(ok, Buffer.from("before"));
    await client.waitFor(() => mux.received(ok).toString() === "before");

    h.emu.dataChannel.refuseDestination(`localhost:${echo().port}`);
    const refused = mux.open();
    await client.waitFor(() => mux.finished(refused), 3000, "FIN of the refused stream");
    expect(mux.connectErrors()).toBe(1);
    const flag = mux.flags.find((f) => f.flag === Flag.ConnectToPortError)!;
    const finIndex = mux.frames.findIndex((f) => f.cmd === Cmd.FIN && f.streamId === refused);
    expect(flag.afterFrames).toBeLessThanOrEqual(finIndex); // the flag precedes the FIN

    mux.write(ok, Buffer.from(" after"));
    await client.waitFor(() => mux.received(ok).toString() === "before after");
    expect(h.emu.ssm.sessions.get(session.sessionId)!.status).toBe("Connected");
  });

  it("forwards remote-host sessions to directory.hosts and refuses unknown hosts", async () => {
    h.emu.directory.hosts["echo.internal"] = "127.0.0.1";
    const session = await startPortSession(h.emu, echo().port, { host: "echo.internal" });
    const client = await h.connect(session);
    const { request } = await client.handshake();
    expect(request.RequestedClientActions[0].ActionParameters.Properties.host).toBe("echo.internal");
    const mux = new SmuxClient(client);
    const sid = mux.open();
    mux.write(sid, Buffer.from("via host"));
    await client.waitFor(() => mux.received(sid).toString() === "via host");

    const nowhere = await startPortSession(h.emu, echo().port, { host: "nowhere.internal" });
    const other = await h.connect(nowhere);
    await other.handshake();
    const mux2 = new SmuxClient(other);
    const sid2 = mux2.open();
    await other.waitFor(() => mux2.finished(sid2), 3000, "FIN");
    expect(mux2.connectErrors()).toBe(1);

    // A loopback literal works; another address is refused per stream (the emulator only ever dials loopback).
    for (const [host, works] of [
      ["127.0.0.1", true],
      ["10.0.1.99", false],
    ] as const) {
      const s = await startPortSession(h.emu, echo().port, { host });
      const c = await h.connect(s);
      await c.handshake();
      const m = new SmuxClient(c);
      const id = m.open();
      m.write(id, Buffer.from(host));
      if (works) await c.waitFor(() => m.received(id).toString() === host, 3000, host);
      else await c.waitFor(() => m.finished(id) && m.connectErrors() === 1, 3000, `refusal of ${host}`);
    }
    // Like the agent: an unresolvable name leaves an empty address list, so each stream's dial fails.
    expect(h.emu.log.filter((e) => e.operation === "dial-failed").map((e) => JSON.stringify(e.request))).toEqual([
      expect.stringContaining("missing address"),
      expect.stringContaining("dial tcp 10.0.1.99"),
    ]);
  });

  it("ends the whole session after the handshake when the destination is a denied address (IMDS, Amazon DNS)", async () => {
    const session = await startPortSession(h.emu, echo().port, { host: "169.254.169.254" });
    const client = await h.connect(session);
    await client.handshake();
    const closed = await client.waitForType(MessageType.ChannelClosed, 3000);
    expect(JSON.parse(closed.payload.toString()).Output).toBe("Forwarding to IP address 169.254.169.254 is forbidden.");
    expect(h.emu.ssm.sessions.get(session.sessionId)!.status).not.toBe("Connected");
  });

  it("closes the destination on FIN and FINs back when the destination closes", async () => {
    const session = await startPortSession(h.emu, echo().port);
    const client = await h.connect(session);
    await client.handshake();
    const mux = new SmuxClient(client);
    const sids = [mux.open(), mux.open(), mux.open()];
    for (const sid of sids) mux.write(sid, Buffer.from(`s${sid}`));
    await client.waitFor(() => sids.every((sid) => mux.received(sid).length > 0));
    expect(h.emu.dataChannel.session(session.sessionId)!.connections).toBe(3);
    mux.fin(sids[0]);
    await client.waitFor(
      () => mux.finished(sids[0]) && h.emu.dataChannel.session(session.sessionId)!.connections === 2,
    );
    await echo().close(); // the destination goes away: the agent FINs the remaining streams
    await client.waitFor(() => mux.finished(sids[1]) && mux.finished(sids[2]), 3000, "FINs from the agent");
  });
});

describe("smux keepalive", () => {
  /** Everything the agent sent before now has arrived once an echo written now has come back. */
  async function settled(client: SpecClient, mux: SmuxClient, sid: number, mark: string): Promise<void> {
    const before = mux.received(sid).length;
    mux.write(sid, Buffer.from(mark));
    await client.waitFor(() => mux.received(sid).length === before + mark.length, 3000, `the echo of ${mark}`);
  }

  it("sends its first NOP 10 s (emulator time) into a mux-keepalive session", async () => {
    h.emu.knobs.agentVersion = AGENT_VERSIONS["mux-keepalive"];
    const session = await startPortSession(h.emu, echo().port);
    const client = await h.connect(session);
    await client.handshake();
    const mux = new SmuxClient(client);
    const sid = mux.open();
    h.emu.clock.advance(9_900);
    await settled(client, mux, sid, "at 9.9 s");
    expect(mux.nops()).toBe(0);
    h.emu.clock.advance(100);
    await client.waitFor(() => mux.nops() === 1, 3000, "the NOP at 10 s");
    h.emu.clock.advance(10_000);
    await client.waitFor(() => mux.nops() === 2, 3000, "the NOP at 20 s");
  });

  it("closes a keepalive session after the timeout without inbound frames; a client that sends NOPs stays", async () => {
    h.emu.knobs.agentVersion = AGENT_VERSIONS["mux-keepalive"];
    const silent = await startPortSession(h.emu, echo().port);
    const chatty = await startPortSession(h.emu, echo().port);
    const a = await h.connect(silent);
    const b = await h.connect(chatty);
    await Promise.all([a.handshake(), b.handshake()]);
    const muxA = new SmuxClient(a);
    const muxB = new SmuxClient(b);
    const sid = muxB.open();
    for (let t = 10_000; t <= 30_000; t += 10_000) {
      muxB.send(encodeFrame(Cmd.NOP, 0)); // b's own keepalive, every 10 s
      await settled(b, muxB, sid, `at ${t / 1000} s`); // the agent has read it
      h.emu.clock.advance(10_000);
    }
    const closed = await a.waitForType(MessageType.ChannelClosed, 3000);
    expect(JSON.parse(closed.payload.toString()).SessionId).toBe(silent.sessionId);
    expect(muxA.nops()).toBeGreaterThan(0);
    await settled(b, muxB, sid, "after a's timeout");
    expect(b.received.some((r) => r.message.messageType === MessageType.ChannelClosed)).toBe(false);
    expect(muxB.nops()).toBe(3);
  });

  it("sends no NOPs when keepalive is off (mux agent, client > 1.2.331.0)", async () => {
    const session = await startPortSession(h.emu, echo().port);
    const client = await h.connect(session);
    await client.handshake();
    const mux = new SmuxClient(client);
    const sid = mux.open();
    h.emu.clock.advance(10_000);
    h.emu.clock.advance(30_000);
    await settled(client, mux, sid, "after 40 s");
    expect(mux.nops()).toBe(0);
    expect(h.emu.ssm.sessions.get(session.sessionId)!.status).toBe("Connected");
  });
});
