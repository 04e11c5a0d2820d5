import { createHash } from "node:crypto";
import { connect } from "node:net";
import { startEmulator, type Emulator } from "../../emulator/index";
import { AGENT_VERSIONS } from "../../emulator/knobs";
import { startEchoServer, type TcpTarget } from "../../emulator/support/tcp";
import { echoThrough, openTunnel, pattern, waitFor, type Tunnel } from "../helpers/tunnel";

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

let emu: Emulator;
let echo: TcpTarget;
let tunnel: Tunnel | undefined;

beforeEach(async () => {
  emu = await startEmulator({ knobs: { agentVersion: AGENT_VERSIONS.mux } });
  echo = await startEchoServer();
});
afterEach(async () => {
  await tunnel?.close();
  tunnel = undefined;
  await echo.close();
  await emu.close();
});

describe("mux mode against the emulator", () => {
  it("echoes through several concurrent connections", async () => {
    const t = await openTunnel(emu, echo.port);
    tunnel = t;
    expect(t.started.mode).toBe("mux");
    const inputs = Array.from({ length: 8 }, (_, i) => pattern(20_000 + i * 3333, i + 1));
    const outputs = await Promise.all(inputs.map((d) => echoThrough(t.port, d)));
    outputs.forEach((o, i) => expect(sha(o)).toBe(sha(inputs[i])));
    expect(echo.accepted).toBe(8);
    expect(t.session.stats.connections).toBe(8);
  });

  it("moves a few MB each way without losing or duplicating a byte", async () => {
    emu.knobs.pacing = false; // 4 MiB each way: byte accounting is under test here, not AWS's ~1 MB/s
    const t = await openTunnel(emu, echo.port);
    tunnel = t;
    const data = pattern(4 * 1024 * 1024, 42);
    const back = await echoThrough(t.port, data, 100_000);
    expect(back.length).toBe(data.length);
    expect(sha(back)).toBe(sha(data));
  });
});

// Each drop costs the agent ~10 s of head-only retransmission (§7.6); shared CI cores are slow.
jest.setTimeout(120_000);

describe("mux mode: faults", () => {
  it("survives a dropped socket mid-transfer via ResumeSession, with no byte lost or duplicated", async () => {
    const t = await openTunnel(emu, echo.port);
    tunnel = t;
    const reconnects: number[] = [];
    t.session.on("reconnected", () => reconnects.push(Date.now()));
    const data = pattern(2 * 1024 * 1024, 7);
    emu.dataChannel.closeSocketAfter(400);
    const pending = echoThrough(t.port, data, 100_000);
    await waitFor(() => reconnects.length >= 1, 30_000, "a reconnect");
    emu.dataChannel.closeSocketAfter(300, { abrupt: true });
    const back = await pending;
    expect(sha(back)).toBe(sha(data));
    expect(reconnects.length).toBeGreaterThanOrEqual(1);
    const resumes = emu.log.filter((e) => e.operation === "ResumeSession" && e.status === 200);
    expect(resumes.length).toBeGreaterThanOrEqual(1);
    const view = emu.dataChannel.session(t.sessionId)!;
    expect(view.ended).toBe(false);
    const tokens = emu.ssm.sessions.get(t.sessionId)!.tokens;
    for (const token of tokens) expect(t.logs.join("\n")).not.toContain(token);
  });

  it("keeps every byte in order through dropped, duplicated, reordered and delayed messages both ways", async () => {
    const t = await openTunnel(emu, echo.port);
    tunnel = t;
    emu.dataChannel.seed(7);
    for (const direction of ["to-client", "to-agent"] as const) {
      emu.dataChannel.addMessageFault({ direction, action: "drop", probability: 0.02, kinds: "all" });
      emu.dataChannel.addMessageFault({ direction, action: "duplicate", probability: 0.03 });
      emu.dataChannel.addMessageFault({ direction, action: "reorder", probability: 0.03 });
      emu.dataChannel.addMessageFault({ direction, action: "delay", probability: 0.02, delayMs: 50 });
    }
    const inputs = [pattern(150_000, 21), pattern(90_000, 22)];
    const outputs = await Promise.all(inputs.map((d) => echoThrough(t.port, d, 60_000)));
    outputs.forEach((o, i) => expect(sha(o)).toBe(sha(inputs[i])));
    expect(emu.dataChannel.session(t.sessionId)!.stats.faultsApplied).toBeGreaterThan(10);
  });

  it("retransmits when acks are withheld, backing off instead of resending every tick", async () => {
    const t = await openTunnel(emu, echo.port);
    tunnel = t;
    emu.dataChannel.withholdAcks({ sessionId: t.sessionId });
    const data = pattern(200_000, 9);
    const pending = echoThrough(t.port, data, 30_000);
    await new Promise((r) => setTimeout(r, 2500));
    const resends = t.logs.filter((l) => l.includes("resending seq"));
    // backoff RTO, 2·RTO, … capped at 1 s: a handful in 2.5 s (the official client: one per 100 ms tick)
    expect(resends.length).toBeGreaterThanOrEqual(2);
    expect(resends.length).toBeLessThanOrEqual(8);
    expect(new Set(resends.map((l) => /seq (\d+)/.exec(l)![1])).size).toBe(1); // only the oldest
    emu.dataChannel.releaseAcks(t.sessionId);
    expect(sha(await pending)).toBe(sha(data));
    expect(emu.dataChannel.session(t.sessionId)!.stats.acksWithheld).toBeGreaterThan(0);
  });

  it("reports ConnectToPortError on the refused connection only; others keep working", async () => {
    const t = await openTunnel(emu, echo.port);
    tunnel = t;
    const errors: Error[] = [];
    t.session.on("connection-error", (e: Error) => errors.push(e));
    const first = connect(t.port, "127.0.0.1");
    const firstEcho = new Promise<Buffer>((r) => first.once("data", r));
    first.write("before");
    expect(String(await firstEcho)).toBe("before");
    emu.directory.refusedDestinations.add(`localhost:${echo.port}`);
    const refused = connect(t.port, "127.0.0.1");
    const closed = new Promise<void>((r) => refused.once("close", () => r()));
    refused.on("error", () => undefined);
    refused.write("nobody home");
    await closed;
    await waitFor(() => errors.length === 1, 5000, "connection-error");
    expect(errors[0].message).toBe("Connection to destination port failed, check SSM Agent logs.");
    emu.directory.refusedDestinations.clear();
    const again = new Promise<Buffer>((r) => first.once("data", r));
    first.write("after");
    expect(String(await again)).toBe("after");
    first.destroy();
    expect(await echoThrough(t.port, Buffer.from("fresh"))).toEqual(Buffer.from("fresh"));
    expect(t.session.ended).toBeUndefined();
  });

  it("handles HandshakeComplete arriving before the ack of the HandshakeResponse", async () => {
    emu.knobs.reversedHandshakeOrder = true;
    const t = await openTunnel(emu, echo.port);
    tunnel = t;
    const data = pattern(50_000, 3);
    expect(sha(await echoThrough(t.port, data))).toBe(sha(data));
  });

  it("reports channel_closed with its Output when the session idles out", async () => {
    emu.knobs.idleTimeoutSeconds = 1;
    const t = await openTunnel(emu, echo.port);
    tunnel = t;
    const ended = new Promise<[string, string]>((r) => t.session.once("ended", (a: string, b: string) => r([a, b])));
    const [reason, detail] = await ended;
    expect(reason).toBe("channel_closed");
    expect(detail).toMatch(/inactivity|timed out/i);
    expect(t.session.handleConnection(connect(t.port, "127.0.0.1").on("error", () => undefined))).toBe(false);
  });

  it("ends with resume-refused when ResumeSession has no token", async () => {
    const t = await openTunnel(emu, echo.port);
    tunnel = t;
    emu.dataChannel.refuseResume(t.sessionId);
    const ended = new Promise<string>((r) => t.session.once("ended", (a: string) => r(a)));
    emu.dataChannel.closeSocket({ sessionId: t.sessionId });
    expect(await ended).toBe("resume-refused");
  });

  it("terminate sends the flag, gets it acked and calls TerminateSession", async () => {
    const t = await openTunnel(emu, echo.port);
    await t.close();
    const view = emu.dataChannel.session(t.sessionId)!;
    expect(view.ended).toBe(true);
    expect(emu.log.some((e) => e.operation === "TerminateSession" && e.status === 200)).toBe(true);
    expect(emu.log.some((e) => e.operation === "flag" && (e.request as { flag?: number })?.flag === 2)).toBe(true);
  });
});
