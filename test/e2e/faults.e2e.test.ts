// Every data-channel fault knob of the emulator against the real worker: what goes in comes out, once, in order.
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { createConnection } from "node:net";
import type { TunnelDefinition } from "../../src/lib/tunnels/definition";
import { readState } from "../../src/lib/tunnels/state";
import { createWorld, type World } from "./harness";
import { echoTransfer } from "./traffic";

const MB = 1024 * 1024;

describe("faults on the data channel", () => {
  let w: World;
  let def: TunnelDefinition;
  let sessionId: string;

  beforeAll(async () => {
    w = await createWorld();
    await w.seedToken();
    def = await w.define();
    await w.start(def);
    sessionId = (await w.waitStatus(def.id, "connected")).sessionId!;
  }, 60_000);
  afterAll(() => w?.close());
  afterEach(() => {
    w.emu.dataChannel.clearMessageFaults();
    w.emu.dataChannel.releaseAcks();
  });

  async function intact(bytes: number): Promise<void> {
    const r = await echoTransfer(def.localPort, bytes);
    expect(r.bytes).toBe(bytes);
    expect(r.receivedHash).toBe(r.sentHash);
  }

  test("WebSocket dropped mid-transfer: ResumeSession, same session, no byte lost or duplicated", async () => {
    const transfer = echoTransfer(def.localPort, 2 * MB);
    w.emu.dataChannel.closeSocketAfter(150, { sessionId, abrupt: true });
    const r = await transfer;
    expect(r.receivedHash).toBe(r.sentHash);
    expect(w.emu.log.some((e) => e.operation === "ResumeSession" && e.status === 200)).toBe(true);
    expect(readState(w.env, def.id)?.sessionId).toBe(sessionId);
    expect((await w.waitStatus(def.id, "connected")).status).toBe("connected");
  }, 60_000);

  test.each([
    ["reordered", "reorder"],
    ["duplicated", "duplicate"],
    ["dropped", "drop"],
  ] as const)(
    "%s messages both ways are repaired by sequencing and retransmission",
    async (_label, action) => {
      w.emu.dataChannel.seed(7);
      w.emu.dataChannel.addMessageFault({ direction: "to-client", action, probability: 0.05, kinds: "all" });
      w.emu.dataChannel.addMessageFault({ direction: "to-agent", action, probability: 0.05, kinds: "all" });
      await intact(MB);
    },
    60_000,
  );

  test("withheld acks: the client retransmits until acked and the agent drops the duplicates", async () => {
    w.emu.dataChannel.withholdAcks({ sessionId, count: 40 });
    await intact(MB);
  }, 60_000);

  test("resume refused: a new session behind the same listener; connections made meanwhile are held, not refused", async () => {
    w.emu.dataChannel.refuseResume(sessionId);
    w.emu.dataChannel.closeSocket({ sessionId, abrupt: true });
    // Connect while the worker replaces the session: the listener holds the connection and hands it over.
    await w.waitStatus(def.id, ["reconnecting", "connecting"], 10_000).catch(() => undefined);
    await intact(256 * 1024);
    const state = await w.waitStatus(def.id, "connected");
    expect(state.sessionId).not.toBe(sessionId);
    sessionId = state.sessionId!;
  }, 60_000);

  test("idle timeout (channel_closed): the worker opens a new session by itself", async () => {
    const before = sessionId;
    w.emu.knobs.idleTimeoutSeconds = 1;
    try {
      await new Promise((r) => setTimeout(r, 2000));
    } finally {
      w.emu.knobs.idleTimeoutSeconds = 20 * 60;
    }
    const state = await w.waitStatus(def.id, "connected");
    expect(state.sessionId).not.toBe(before);
    expect(w.emu.ssm.sessions.get(before)?.status).toBe("Terminated");
    sessionId = state.sessionId!;
    await intact(64 * 1024);
  }, 60_000);

  test("token revoked mid-session: auth-required without spinning, then a new login resumes the same transfer", async () => {
    const tokenFile = await w.tokenFile();
    const transfer = echoTransfer(def.localPort, 2 * MB);
    // The IdP session ends and the cached token expires: refresh is impossible, only a sign-in helps.
    w.emu.oidc.endIdpSessions();
    const token = JSON.parse(readFileSync(tokenFile, "utf8"));
    token.expiresAt = new Date(Date.now() - 60_000).toISOString();
    writeFileSync(`${tokenFile}.tmp`, JSON.stringify(token));
    renameSync(`${tokenFile}.tmp`, tokenFile);
    await w.waitStatus(def.id, "auth-required");
    // Session Manager drops the socket meanwhile: resuming needs fresh credentials, so the worker waits for a login.
    w.emu.dataChannel.closeSocket({ sessionId, abrupt: true });
    await new Promise((r) => setTimeout(r, 1500));
    const resumesWhileWaiting = w.emu.log.filter((e) => e.operation === "ResumeSession").length;
    await new Promise((r) => setTimeout(r, 1500));
    expect(w.emu.log.filter((e) => e.operation === "ResumeSession").length).toBe(resumesWhileWaiting);
    expect(readState(w.env, def.id)?.status).toBe("auth-required");
    await w.seedToken(); // what a login writes
    const r = await transfer;
    expect(r.receivedHash).toBe(r.sentHash);
    await w.waitStatus(def.id, "connected");
  }, 60_000);

  test("no connection is refused while the tunnel is up after all of the above", async () => {
    await new Promise<void>((resolve, reject) => {
      const s = createConnection(def.localPort, "127.0.0.1", () => (s.destroy(), resolve()));
      s.on("error", reject);
    });
  });
});
