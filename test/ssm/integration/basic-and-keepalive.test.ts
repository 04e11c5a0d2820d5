import { createHash } from "node:crypto";
import { connect, type Socket } from "node:net";
import { startEmulator, type Emulator } from "../../emulator/index";
import { AGENT_VERSIONS } from "../../emulator/knobs";
import { startEchoServer, startSourceServer, type TcpTarget } from "../../emulator/support/tcp";
import { echoThrough, openTunnel, pattern, waitFor, type Tunnel } from "../helpers/tunnel";

jest.setTimeout(120_000); // a socket drop costs the agent ~10 s of head-only retransmission (§7.6)

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

let emu: Emulator;
let echo: TcpTarget;
let tunnel: Tunnel | undefined;
const cleanups: (() => Promise<void> | void)[] = [];

beforeEach(async () => {
  emu = await startEmulator();
  echo = await startEchoServer();
});
afterEach(async () => {
  await tunnel?.close();
  tunnel = undefined;
  for (const c of cleanups.splice(0)) await c();
  await echo.close();
  await emu.close();
});

function readSome(socket: Socket): Promise<Buffer> {
  return new Promise((r) => socket.once("data", r));
}

describe("basic mode against the emulator", () => {
  beforeEach(() => {
    emu.knobs.agentVersion = AGENT_VERSIONS.basic;
  });

  it("serves sequential connections, one at a time, sending DisconnectToPort after each", async () => {
    const t = await openTunnel(emu, echo.port);
    tunnel = t;
    expect(t.started.mode).toBe("basic");
    const a = pattern(100_000, 1);
    expect(sha(await echoThrough(t.port, a))).toBe(sha(a));
    const b = pattern(70_000, 2);
    expect(sha(await echoThrough(t.port, b))).toBe(sha(b));
    await waitFor(
      () => emu.log.filter((e) => e.operation === "flag" && (e.request as { flag?: number })?.flag === 1).length === 2,
      5000,
      "two DisconnectToPort flags",
    );
    expect(echo.accepted).toBe(2);
  });

  it("makes a second connection wait until the first one closes", async () => {
    const t = await openTunnel(emu, echo.port);
    tunnel = t;
    const first = connect(t.port, "127.0.0.1");
    first.write("one");
    expect(String(await readSome(first))).toBe("one");
    const second = connect(t.port, "127.0.0.1");
    cleanups.push(() => void second.destroy());
    let secondGot = "";
    second.on("data", (d) => (secondGot += d));
    second.write("two");
    await new Promise((r) => setTimeout(r, 300));
    expect(secondGot).toBe(""); // waiting its turn
    first.write("still one");
    expect(String(await readSome(first))).toBe("still one");
    first.end();
    await waitFor(() => secondGot === "two", 10_000, "the second connection's echo");
    expect(t.session.stats.connections).toBe(2);
  });

  it("gives a server-first destination's greeting to the first connection", async () => {
    const source = await startSourceServer(Buffer.from("220 hello from the destination\r\n"));
    cleanups.push(() => source.close());
    const t = await openTunnel(emu, source.port);
    tunnel = t;
    await waitFor(() => source.accepted === 1, 5000, "the agent's dial");
    const s = connect(t.port, "127.0.0.1");
    cleanups.push(() => void s.destroy());
    expect(String(await readSome(s))).toBe("220 hello from the destination\r\n");
  });

  it("survives a dropped socket mid-transfer with every byte intact", async () => {
    const t = await openTunnel(emu, echo.port);
    tunnel = t;
    const data = pattern(1024 * 1024, 11);
    emu.dataChannel.closeSocketAfter(300, { sessionId: t.sessionId, abrupt: true });
    const back = await echoThrough(t.port, data, 100_000);
    expect(sha(back)).toBe(sha(data));
    expect(emu.log.filter((e) => e.operation === "ResumeSession").length).toBeGreaterThanOrEqual(1);
  });

  it("never turns a lone LF into CR (§15 item 1)", async () => {
    const t = await openTunnel(emu, echo.port);
    tunnel = t;
    expect(await echoThrough(t.port, Buffer.from("\n"))).toEqual(Buffer.from("\n"));
  });
});

describe("remote host sessions", () => {
  it("forwards through the instance to a remote host (AWS-StartPortForwardingSessionToRemoteHost)", async () => {
    const t = await openTunnel(emu, echo.port, { host: "db.internal" });
    tunnel = t;
    expect(t.started.properties.host).toBe("db.internal");
    expect(emu.ssm.sessions.get(t.sessionId)!.documentName).toBe("AWS-StartPortForwardingSessionToRemoteHost");
    const data = pattern(300_000, 5);
    expect(sha(await echoThrough(t.port, data))).toBe(sha(data));
  });
});

describe("smux keepalive", () => {
  it("with agent 3.1.0.0 sends NOPs, so neither side's keepalive timeout kills an idle session", async () => {
    emu.knobs.agentVersion = AGENT_VERSIONS["mux-keepalive"];
    Object.assign(emu.dataChannel.timing, { keepAliveIntervalMs: 200, keepAliveTimeoutMs: 700 });
    const t = await openTunnel(emu, echo.port, { smuxKeepalive: { intervalMs: 200, timeoutMs: 700 } });
    tunnel = t;
    expect(emu.dataChannel.session(t.sessionId)!.keepAlive).toBe(true);
    const before = emu.dataChannel.session(t.sessionId)!.stats.messagesIn;
    await new Promise((r) => setTimeout(r, 2000));
    const view = emu.dataChannel.session(t.sessionId)!;
    expect(view.ended).toBe(false);
    expect(view.stats.messagesIn - before).toBeGreaterThanOrEqual(5); // our NOPs
    expect(t.session.ended).toBeUndefined();
    expect(await echoThrough(t.port, Buffer.from("alive"))).toEqual(Buffer.from("alive"));
  });

  it("with agent 3.3.987.0 never sends NOPs", async () => {
    Object.assign(emu.dataChannel.timing, { keepAliveIntervalMs: 200, keepAliveTimeoutMs: 700 });
    const t = await openTunnel(emu, echo.port, { smuxKeepalive: { intervalMs: 200, timeoutMs: 700 } });
    tunnel = t;
    expect(emu.dataChannel.session(t.sessionId)!.keepAlive).toBe(false);
    const before = emu.dataChannel.session(t.sessionId)!.stats.messagesIn;
    await new Promise((r) => setTimeout(r, 1500));
    expect(emu.dataChannel.session(t.sessionId)!.stats.messagesIn).toBe(before);
    expect(t.session.ended).toBeUndefined();
  });
});
