// Worker lifecycle against the emulator: fan-out, basic mode, remote hosts, refusals (port, rights), a dead network,
// and recovery from SIGKILL.
import { createServer, createConnection, type Server } from "node:net";
import { randomBytes } from "node:crypto";
import { runTunnelWorker } from "../../src/lib/tunnels/worker";
import { readState } from "../../src/lib/tunnels/state";
import { isRunning, startTunnel, tunnelStatuses } from "../../src/lib/tunnels/supervisor";
import { AGENT_VERSIONS } from "../emulator/knobs";
import { waitFor } from "../tunnels/helpers";
import { createWorld, type World } from "./harness";
import { echoTransfer } from "./traffic";

function roundTrip(port: number, payload: Buffer): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let got = 0;
    const s = createConnection(port, "127.0.0.1", () => s.write(payload));
    s.on("data", (d) => {
      chunks.push(d);
      got += d.length;
      if (got >= payload.length) {
        s.destroy();
        resolve(Buffer.concat(chunks).equals(payload));
      }
    });
    s.on("error", reject);
    s.on("close", () => got < payload.length && reject(new Error(`closed after ${got} bytes`)));
  });
}

describe("mux agent", () => {
  let w: World;
  beforeAll(async () => {
    w = await createWorld();
    await w.seedToken();
  });
  afterAll(() => w?.close());

  test("200 concurrent connections through one tunnel, each echoed intact", async () => {
    const def = await w.define();
    await w.start(def);
    await w.waitStatus(def.id, "connected");
    const payloads = Array.from({ length: 200 }, () => randomBytes(4096));
    const results = await Promise.all(payloads.map((p) => roundTrip(def.localPort, p)));
    expect(results.every(Boolean)).toBe(true);
    await waitFor(() => (readState(w.env, def.id)?.connections ?? 0) >= 200 || undefined, 5000);
  }, 60_000);

  test("remote host through the instance (AWS-StartPortForwardingSessionToRemoteHost)", async () => {
    const def = await w.define({ remoteHost: "db.internal" });
    await w.start(def);
    const state = await w.waitStatus(def.id, "connected");
    expect(w.emu.ssm.sessions.get(state.sessionId!)?.documentName).toBe("AWS-StartPortForwardingSessionToRemoteHost");
    expect(await roundTrip(def.localPort, Buffer.from("to the database"))).toBe(true);
  }, 30_000);

  test("a destination that refuses connections shows in lastError while the tunnel stays up", async () => {
    const def = await w.define({ remoteHost: "cache.internal" });
    w.emu.dataChannel.refuseDestination(`cache.internal:${w.echo.port}`);
    await w.start(def);
    await w.waitStatus(def.id, "connected");
    await roundTrip(def.localPort, Buffer.from("x")).catch(() => false);
    const state = await waitFor(() => {
      const s = readState(w.env, def.id);
      return s?.lastError ? s : undefined;
    });
    expect(state.status).toBe("connected");
    expect(state.lastError).toContain(`could not connect to cache.internal:${w.echo.port}`);
  }, 30_000);

  test("the worker refuses a local port that is taken and names the holder", async () => {
    const def = await w.define();
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(def.localPort, "127.0.0.1", () => r()));
    try {
      const code = await runTunnelWorker({
        env: w.env,
        id: def.id,
        signal: new AbortController().signal,
        log: () => undefined,
      });
      expect(code).toBe(1);
      const state = readState(w.env, def.id)!;
      expect(state.status).toBe("error");
      expect(state.lastError).toContain(`127.0.0.1:${def.localPort} is already in use by`);
      expect(state.lastError).toContain(`pid ${process.pid}`);
    } finally {
      await new Promise<void>((r) => blocker.close(() => r()));
    }
  });

  test("AccessDeniedException from StartSession names the missing rights", async () => {
    const def = await w.define({ profile: "readonly" });
    await w.start(def);
    const state = await w.waitStatus(def.id, "error");
    for (const right of ["ssm:StartSession", "ssm:TerminateSession", "ssm:ResumeSession"]) {
      expect(state.lastError).toContain(right);
    }
  }, 30_000);

  test("network down: backoff, then a visible error with the reason; reconnects by itself when it is back", async () => {
    w.emu.addFault({ service: "ssm", operation: "StartSession", times: Infinity, dropConnection: true });
    const def = await w.define();
    try {
      await w.start(def);
      const state = await w.waitStatus(def.id, "error", 30_000);
      expect(state.lastError).toMatch(/socket hang up|ECONNRESET|EPIPE|closed/i);
    } finally {
      w.emu.clearFaults();
    }
    await w.waitStatus(def.id, "connected", 30_000);
    expect(await roundTrip(def.localPort, Buffer.from("back online"))).toBe(true);
  }, 60_000);

  test("auto-reconnect off: when Session Manager ends the session the worker stops and says why", async () => {
    const def = await w.define({ autoReconnect: false });
    await w.start(def);
    const { sessionId } = await w.waitStatus(def.id, "connected");
    w.emu.ssm.endSession(sessionId!, "terminated by an admin", "Session terminated by an administrator.");
    const state = await w.waitStatus(def.id, "stopped");
    expect(state.lastError).toContain("Session terminated by an administrator.");
    expect(state.lastError).toContain("auto-reconnect is off");
    await waitFor(async () => !(await isRunning(w.env, def.id)) || undefined); // the worker exited by itself
  }, 30_000);

  test("SIGKILLed worker: detected as stale, port released, state corrected, restart works", async () => {
    const def = await w.define();
    const pid = await w.start(def);
    await w.waitStatus(def.id, "connected");
    process.kill(pid, "SIGKILL");
    await waitFor(async () => !(await isRunning(w.env, def.id)));
    const row = (await tunnelStatuses({ env: w.env })).find((s) => s.id === def.id)!;
    expect(row.status).toBe("stopped");
    expect(row.lastError).toContain("ended unexpectedly");
    const { pid: again } = await startTunnel(def, { env: w.env });
    w.pids.add(again);
    await w.waitStatus(def.id, "connected");
    expect(await roundTrip(def.localPort, Buffer.from("alive again"))).toBe(true);
  }, 30_000);
});

describe("basic agent (one connection at a time)", () => {
  let w: World;
  beforeAll(async () => {
    w = await createWorld({ knobs: { agentVersion: AGENT_VERSIONS.basic } });
    await w.seedToken();
  });
  afterAll(() => w?.close());

  test("sequential connections each get the whole stream", async () => {
    const def = await w.define();
    await w.start(def);
    await w.waitStatus(def.id, "connected");
    for (let i = 0; i < 5; i++) {
      const r = await echoTransfer(def.localPort, 64 * 1024);
      expect(r.receivedHash).toBe(r.sentHash);
    }
  }, 60_000);

  test("three concurrent 2 MB connections: the later ones wait un-read and are served in turn, every byte intact", async () => {
    w.emu.knobs.pacing = false; // 6 MB in turn: the queueing is under test here, not AWS's ~1 MB/s
    const def = await w.define();
    await w.start(def);
    await w.waitStatus(def.id, "connected");
    const results = await Promise.all([0, 1, 2].map(() => echoTransfer(def.localPort, 2 * 1024 * 1024)));
    for (const r of results) {
      expect(r.bytes).toBe(2 * 1024 * 1024);
      expect(r.receivedHash).toBe(r.sentHash);
    }
  }, 60_000);
});
