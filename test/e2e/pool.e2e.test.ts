// A tunnel's session pool against the emulator, through the real worker bundle: connections spread least-loaded
// (counted per session by the emulator), a session that ends takes only its own connections and is replaced, members
// AWS refuses shrink the pool while the tunnel stays connected, and `status` shows every member.
import { createConnection, type Socket } from "node:net";
import { main } from "../../src/cli/main";
import type { StatusRow } from "../../src/cli/commands/status";
import type { TunnelDefinition } from "../../src/lib/tunnels/definition";
import { readState, type PoolMemberState } from "../../src/lib/tunnels/state";
import { waitFor } from "../tunnels/helpers";
import { createWorld, type World } from "./harness";
import { echoTransfer } from "./traffic";

/** A local connection whose stream is open at the agent: it has echoed one byte. */
async function openEchoed(port: number): Promise<Socket> {
  const s = createConnection(port, "127.0.0.1");
  s.on("error", () => undefined);
  await new Promise<void>((resolve, reject) => {
    s.once("data", () => resolve());
    s.once("close", () => reject(new Error("closed before the echo")));
    s.write("x");
  });
  return s;
}

function echoes(s: Socket, text: string): Promise<boolean> {
  return new Promise((resolve) => {
    let got = "";
    const onData = (d: Buffer) => {
      got += d.toString();
      if (got.length >= text.length) {
        s.off("data", onData);
        resolve(got === text);
      }
    };
    s.on("data", onData);
    s.write(text);
  });
}

describe("session pool", () => {
  let w: World;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    w = await createWorld();
    await w.seedToken();
  }, 60_000);
  afterEach(() => {
    for (const s of sockets.splice(0)) s.destroy();
    w.emu.clearFaults();
  });
  afterAll(() => w?.close());

  /** Open destination connections per session, as the emulated agent counts them. */
  function agentCounts(ids: string[]): number[] {
    return ids.map((id) => w.emu.dataChannel.session(id)?.connections ?? -1);
  }

  /** Waits until the state file's pool rows match `want` (statuses, in slot order); returns them. */
  function rows(def: TunnelDefinition, want: string[]): Promise<PoolMemberState[]> {
    return waitFor(() => {
      const r = readState(w.env, def.id)?.sessions;
      return r && r.map((m) => m.status).join() === want.join() ? r : undefined;
    }, 20_000).catch(() => {
      throw new Error(`pool never became ${want.join()}: ${JSON.stringify(readState(w.env, def.id)?.sessions)}`);
    });
  }

  async function startPool(size: number): Promise<{ def: TunnelDefinition; ids: string[] }> {
    const def = await w.define({ sessions: size });
    await w.start(def);
    await w.waitStatus(def.id, "connected");
    const members = await rows(def, Array(size).fill("connected"));
    const ids = members.map((m) => m.sessionId!);
    expect(new Set(ids).size).toBe(size);
    return { def, ids };
  }

  /** Opens one connection and tells which session took it (by the agent's counts). */
  async function connectAndLocate(def: TunnelDefinition, ids: string[]): Promise<{ socket: Socket; session: string }> {
    const before = agentCounts(ids);
    const socket = await openEchoed(def.localPort);
    sockets.push(socket);
    const after = agentCounts(ids);
    const i = after.findIndex((n, k) => n === before[k] + 1);
    expect(i).toBeGreaterThanOrEqual(0);
    return { socket, session: ids[i] };
  }

  test("new connections go to the least-loaded session; status --json and status show every member", async () => {
    const { def, ids } = await startPool(4);
    const taken: { socket: Socket; session: string }[] = [];
    for (let i = 0; i < 8; i++) taken.push(await connectAndLocate(def, ids));
    expect(agentCounts(ids)).toEqual([2, 2, 2, 2]);

    // Free two connections of one session: the next two connections go there, not round the pool.
    const emptied = taken[0].session;
    for (const t of taken.filter((c) => c.session === emptied)) t.socket.destroy();
    await waitFor(() => agentCounts(ids).join() === ids.map((id) => (id === emptied ? 0 : 2)).join() || undefined);
    const next = [await connectAndLocate(def, ids), await connectAndLocate(def, ids)];
    expect(next.map((c) => c.session)).toEqual([emptied, emptied]);
    expect(agentCounts(ids)).toEqual([2, 2, 2, 2]);

    // Every byte through the pool arrives intact.
    const r = await echoTransfer(def.localPort, 512 * 1024);
    expect(r.receivedHash).toBe(r.sentHash);

    const members = await waitFor(() => {
      const m = readState(w.env, def.id)?.sessions;
      return m?.every((x) => x.activeConnections === 2) ? m : undefined;
    });
    expect(members.map((m) => m.sessionId)).toEqual(ids);

    const out: string[] = [];
    const io = {
      env: w.env,
      stdout: (l: string) => out.push(l),
      stderr: () => undefined,
      signal: new AbortController().signal,
    };
    expect(await main(["status", "--json"], io)).toBe(0);
    const row = (JSON.parse(out.join("\n")) as StatusRow[]).find((x) => x.id === def.id)!;
    expect(row.poolSize).toBe(4);
    expect(row.sessions?.map((m) => [m.slot, m.status, m.sessionId, m.activeConnections])).toEqual(
      ids.map((id, i) => [i + 1, "connected", id, 2]),
    );
    out.length = 0;
    expect(await main(["status"], io)).toBe(0);
    expect(out).toContain(`${def.name}: 4 of 4 sessions connected`);
    for (const id of ids) expect(out.some((l) => new RegExp(`connected\\s+${id}\\s+2 connections`).test(l))).toBe(true);
  }, 90_000);

  test("a session that ends takes only its own connections and is replaced; the tunnel stays connected", async () => {
    const { def, ids } = await startPool(3);
    const taken: { socket: Socket; session: string }[] = [];
    for (let i = 0; i < 6; i++) taken.push(await connectAndLocate(def, ids));
    const victim = ids[1];
    const closed = taken.filter((t) => t.session === victim).map((t) => new Promise((r) => t.socket.once("close", r)));
    const startsBefore = w.emu.log.filter((e) => e.operation === "StartSession" && e.status === 200).length;

    w.emu.ssm.endSession(victim, "killed by test", "Session terminated by an administrator.");
    await Promise.all(closed); // its two connections end…
    expect(readState(w.env, def.id)?.status).toBe("connected");
    for (const t of taken.filter((c) => c.session !== victim)) expect(await echoes(t.socket, "still here")).toBe(true);

    // …and a new session takes its place in the pool (after a backoff), behind the same listener.
    const members = await rows(def, ["connected", "connected", "connected"]);
    expect(members[0].sessionId).toBe(ids[0]);
    expect(members[2].sessionId).toBe(ids[2]);
    expect(ids).not.toContain(members[1].sessionId);
    expect(w.emu.log.filter((e) => e.operation === "StartSession" && e.status === 200).length).toBe(startsBefore + 1);
    expect(readState(w.env, def.id)?.status).toBe("connected");
  }, 90_000);

  test("members refused with AccessDenied or throttling shrink the pool; the tunnel stays connected", async () => {
    const { def, ids } = await startPool(3);
    const refusals = (type: string) =>
      w.emu.log.filter((e) => e.operation === "StartSession" && e.errorType === type).length;

    w.emu.addFault({
      service: "ssm",
      operation: "StartSession",
      times: Infinity,
      status: 400,
      errorType: "AccessDeniedException",
      body: JSON.stringify({
        __type: "AccessDeniedException",
        Message: "User is not authorized to perform: ssm:StartSession on resource because of a service control policy",
      }),
    });
    w.emu.ssm.endSession(ids[2], "killed by test");
    let members = await rows(def, ["connected", "connected", "refused"]);
    expect(refusals("AccessDeniedException")).toBeGreaterThanOrEqual(1);
    expect(members[2].lastError).toContain("ssm:StartSession");
    expect(readState(w.env, def.id)?.status).toBe("connected");
    expect((await echoTransfer(def.localPort, 64 * 1024)).bytes).toBe(64 * 1024);

    w.emu.clearFaults();
    w.emu.addFault({
      service: "ssm",
      operation: "StartSession",
      times: Infinity,
      status: 400,
      errorType: "ThrottlingException",
      body: JSON.stringify({ __type: "ThrottlingException", Message: "Rate exceeded" }),
    });
    w.emu.ssm.endSession(ids[1], "killed by test");
    members = await rows(def, ["connected", "refused", "refused"]);
    expect(refusals("ThrottlingException")).toBeGreaterThanOrEqual(1);
    expect(members[1].lastError).toContain("ThrottlingException");
    expect(readState(w.env, def.id)?.status).toBe("connected");

    // Throttling passes: that member comes back by itself; the one denied access stays out.
    w.emu.clearFaults();
    members = await rows(def, ["connected", "connected", "refused"]);
    expect(members[0].sessionId).toBe(ids[0]);
    expect(ids).not.toContain(members[1].sessionId);
    expect(readState(w.env, def.id)?.status).toBe("connected");
  }, 90_000);
});
