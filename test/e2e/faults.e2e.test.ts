// Every data-channel fault knob of the emulator against the real worker: what goes in comes out, once, in order, and
// each case proves its fault really happened (the emulator's counters) and that the client repaired it. Every case
// runs its own tunnel with faults scoped to its session, so the cases do not depend on each other or on their order.
import { randomBytes } from "node:crypto";
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { createConnection } from "node:net";
import type { TunnelDefinition } from "../../src/lib/tunnels/definition";
import { readState } from "../../src/lib/tunnels/state";
import { stopTunnel } from "../../src/lib/tunnels/supervisor";
import type { SessionStats } from "../emulator/agent/stats";
import { waitFor } from "../tunnels/helpers";
import { createWorld, type World } from "./harness";
import { echoTransfer } from "./traffic";

const MB = 1024 * 1024;

/** One local connection to an echo destination, used in rounds: each round's bytes must come back, in order. */
async function openConnection(port: number): Promise<{ echo(bytes: number): Promise<boolean>; close(): void }> {
  const socket = createConnection(port, "127.0.0.1");
  await new Promise((r, j) => socket.once("connect", r).once("error", j));
  let pending: Buffer = Buffer.alloc(0);
  let want: Buffer | undefined;
  let done: ((ok: boolean) => void) | undefined;
  socket.on("data", (d: Buffer) => {
    pending = Buffer.concat([pending, d]);
    if (want && pending.length >= want.length) {
      const ok = pending.subarray(0, want.length).equals(want) && pending.length === want.length;
      pending = Buffer.alloc(0);
      want = undefined;
      done?.(ok);
    }
  });
  return {
    echo(bytes) {
      want = randomBytes(bytes);
      socket.write(want);
      return new Promise((r) => (done = r));
    },
    close: () => socket.destroy(),
  };
}

describe("faults on the data channel", () => {
  let w: World;
  let def: TunnelDefinition;
  let sessionId: string;

  beforeAll(async () => {
    // Unpaced: repair is under test here, not AWS's ~1 MB/s (a paced agent resends its losses at the same pace).
    w = await createWorld({ knobs: { pacing: false } });
  }, 60_000);
  afterAll(() => w?.close());
  beforeEach(async () => {
    await w.seedToken();
    def = await w.define();
    await w.start(def);
    sessionId = (await w.waitStatus(def.id, "connected")).sessionId!;
  }, 30_000);
  afterEach(async () => {
    await stopTunnel(def.id, { env: w.env });
    w.emu.dataChannel.clearMessageFaults();
    w.emu.dataChannel.releaseAcks();
    w.emu.clearFaults();
    w.emu.knobs.idleTimeoutSeconds = 20 * 60;
  });

  const stats = (id = sessionId): SessionStats => w.emu.dataChannel.session(id)!.stats;
  const channelEvents = (operation: string, id = sessionId) =>
    w.emu.log.filter((e) => e.service === "data-channel" && e.operation === operation && e.path.endsWith(id));

  async function intact(bytes: number): Promise<void> {
    const r = await echoTransfer(def.localPort, bytes);
    expect(r.bytes).toBe(bytes);
    expect(r.receivedHash).toBe(r.sentHash);
  }

  test("WebSocket dropped mid-transfer: ResumeSession, same session, unacked data resent, no byte lost or duplicated", async () => {
    const transfer = echoTransfer(def.localPort, 2 * MB);
    w.emu.dataChannel.closeSocketAfter(150, { sessionId, abrupt: true });
    const r = await transfer;
    expect(r.receivedHash).toBe(r.sentHash);
    expect(channelEvents("close-socket")).toHaveLength(1); // the fault happened
    expect(channelEvents("open").length).toBeGreaterThanOrEqual(2); // reopened with the token ResumeSession gave
    // What was in flight when the socket died is lost; the agent sends it again (one message per RTO, as AWS does).
    expect(stats().retransmissions).toBeGreaterThan(0);
    expect(readState(w.env, def.id)?.sessionId).toBe(sessionId);
    await w.waitStatus(def.id, "connected");
  }, 60_000);

  test.each([
    ["reordered", "reorder", (s: SessionStats) => expect(s.outOfOrderBuffered).toBeGreaterThan(0)],
    ["duplicated", "duplicate", (s: SessionStats) => expect(s.duplicatesReacked).toBeGreaterThan(0)],
    ["dropped", "drop", (s: SessionStats) => expect(s.clientRetransmits).toBeGreaterThan(0)],
  ] as const)(
    "%s messages both ways are repaired by sequencing and retransmission",
    async (_label, action, repaired) => {
      w.emu.dataChannel.seed(7);
      for (const direction of ["to-client", "to-agent"] as const) {
        w.emu.dataChannel.addMessageFault({ direction, action, probability: 0.05, kinds: "all", sessionId });
      }
      await intact(MB / 2);
      expect(stats().faultsApplied).toBeGreaterThan(20); // ~5% of ~1 000 messages and acks each way
      repaired(stats());
      if (action === "drop") expect(stats().retransmissions).toBeGreaterThan(0); // the agent resent its losses too
    },
    60_000,
  );

  test("withheld acks: the client retransmits until acked and the agent drops the duplicates", async () => {
    w.emu.dataChannel.withholdAcks({ sessionId, count: 40 });
    await intact(MB);
    expect(stats().acksWithheld).toBe(40);
    // The echo can be complete before the client's retransmission timer fires (the data got through; only its acks
    // did not): wait for the retransmissions the withheld acks must cause, and for the agent to re-ack them.
    await waitFor(() => stats().clientRetransmits > 0 && stats().duplicatesReacked > 0, 10_000);
    expect(stats().clientRetransmits).toBeGreaterThan(0);
    expect(stats().duplicatesReacked).toBeGreaterThan(0);
  }, 60_000);

  test("resume refused: a new session behind the same listener; a connection made meanwhile is held, not refused", async () => {
    // The replacement's StartSession takes a while, so there is a window with no session at all.
    w.emu.addFault({ service: "ssm", operation: "StartSession", times: 1, delayMs: 1500 });
    w.emu.dataChannel.refuseResume(sessionId);
    w.emu.dataChannel.closeSocket({ sessionId, abrupt: true });
    await waitFor(() => w.logLines(def.id).some((l) => l.includes(`session ${sessionId} ended`)));
    expect(readState(w.env, def.id)?.status).not.toBe("connected");
    const transfer = echoTransfer(def.localPort, 256 * 1024); // made while no session is up
    const state = await w.waitStatus(def.id, "connected");
    expect(state.sessionId).not.toBe(sessionId);
    const r = await transfer;
    expect(r.receivedHash).toBe(r.sentHash);
    expect(w.logLines(def.id).some((l) => l.includes("handing 1 held connection(s) to the new session"))).toBe(true);
    expect(w.emu.ssm.sessions.get(state.sessionId!)!.status).toBe("Connected");
  }, 60_000);

  test("idle timeout (channel_closed): the worker opens a new session by itself", async () => {
    w.emu.knobs.idleTimeoutSeconds = 1;
    const state = await waitFor(() => {
      const s = readState(w.env, def.id);
      return s?.status === "connected" && s.sessionId !== sessionId ? s : undefined;
    }, 15_000);
    w.emu.knobs.idleTimeoutSeconds = 20 * 60;
    expect(w.emu.ssm.sessions.get(sessionId)).toMatchObject({ status: "Terminated", endReason: "idle timeout" });
    expect(w.logLines(def.id).some((l) => l.includes("timed out due to inactivity"))).toBe(true);
    sessionId = state.sessionId!;
    await intact(64 * 1024);
  }, 60_000);

  test("token revoked mid-session: auth-required without spinning, then a new login resumes the same connection", async () => {
    const tokenFile = await w.tokenFile();
    const conn = await openConnection(def.localPort);
    expect(await conn.echo(64 * 1024)).toBe(true);
    // The IdP session ends and the cached token expires: refresh is impossible, only a sign-in helps.
    w.emu.oidc.endIdpSessions();
    const token = JSON.parse(readFileSync(tokenFile, "utf8"));
    token.expiresAt = new Date(Date.now() - 60_000).toISOString();
    writeFileSync(`${tokenFile}.tmp`, JSON.stringify(token));
    renameSync(`${tokenFile}.tmp`, tokenFile);
    await w.waitStatus(def.id, "auth-required");
    // Session Manager drops the socket meanwhile: resuming needs fresh credentials, so the worker waits for a login.
    w.emu.dataChannel.closeSocket({ sessionId, abrupt: true });
    await waitFor(() => w.logLines(def.id).some((l) => l.includes("resume waits for a sign-in")));
    const resumes = () => w.emu.log.filter((e) => e.operation === "ResumeSession").length;
    const waiting = resumes();
    await new Promise((r) => setTimeout(r, 1500)); // a spinning worker would call ResumeSession several times here
    expect(resumes()).toBe(waiting);
    expect(readState(w.env, def.id)?.status).toBe("auth-required");
    const meanwhile = conn.echo(64 * 1024); // written while the data channel is down: queued, not lost
    await w.seedToken(); // what a login writes
    expect(await meanwhile).toBe(true);
    await w.waitStatus(def.id, "connected");
    expect(resumes()).toBeGreaterThan(waiting);
    expect(readState(w.env, def.id)?.sessionId).toBe(sessionId);
    conn.close();
  }, 60_000);
});
