// An agent that floods the client (issue 9 item 11): out-of-order messages beyond any gap the agent could fill, and
// frames far larger than Session Manager ever sends. The client holds a bounded amount and keeps the tunnel working.
import { createHash } from "node:crypto";
import { INCOMING_BUFFER_BYTES } from "../../../src/lib/ssm/channel/inbound";
import { MAX_AGENT_FRAME_BYTES } from "../../../src/lib/ssm/channel/socket";
import { startEmulator, type Emulator } from "../../emulator/index";
import { startEchoServer, type TcpTarget } from "../../emulator/support/tcp";
import { echoThrough, openTunnel, pattern, waitFor, type Tunnel } from "../helpers/tunnel";

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

let emu: Emulator;
let echo: TcpTarget;
let tunnel: Tunnel | undefined;

beforeEach(async () => {
  emu = await startEmulator();
  echo = await startEchoServer();
});
afterEach(async () => {
  await tunnel?.close();
  tunnel = undefined;
  await echo.close();
  await emu.close();
});

describe("a flooding agent", () => {
  it("out-of-order messages: the reorder buffer takes only its byte bound; the tunnel keeps working", async () => {
    const t = (tunnel = await openTunnel(emu, echo.port));
    const frame = 100 * 1024;
    emu.dataChannel.floodOutOfOrder(t.sessionId, { frames: 200, bytes: frame }); // 20 MB the client cannot deliver
    const data = pattern(50_000, 5);
    expect(sha(await echoThrough(t.port, data))).toBe(sha(data));
    const stats = emu.dataChannel.session(t.sessionId)!.stats;
    expect(stats.floodAcked).toBeGreaterThan(0); // it did buffer some, as a reorder buffer should
    expect(stats.floodAcked).toBeLessThanOrEqual(Math.floor(INCOMING_BUFFER_BYTES / frame));
    expect(t.session.ended).toBeUndefined();
  });

  it("a frame larger than Session Manager sends: the socket is dropped, the session resumes", async () => {
    const t = (tunnel = await openTunnel(emu, echo.port));
    emu.dataChannel.floodOutOfOrder(t.sessionId, { frames: 1, bytes: MAX_AGENT_FRAME_BYTES + 1 });
    // ws refuses the frame instead of buffering it (its default limit is 100 MiB) and drops the socket.
    await waitFor(() => t.logs.some((l) => l.includes("Max payload size exceeded")));
    expect(emu.log.some((e) => e.operation === "socket-closed")).toBe(true);
    await waitFor(() => emu.dataChannel.session(t.sessionId)!.connectedSockets === 1);
    expect(emu.log.some((e) => e.operation === "ResumeSession" && e.status === 200)).toBe(true);
    const data = pattern(20_000, 9);
    expect(sha(await echoThrough(t.port, data))).toBe(sha(data));
    expect(emu.dataChannel.session(t.sessionId)!.stats.floodAcked).toBe(0);
  });
});
