// The real worker against the emulator: sign-in from the token cache, StartSession, listener after the handshake,
// data through the tunnel, status, clean SIGTERM with TerminateSession.
import { readFileSync } from "node:fs";
import { stopTunnel } from "../../src/lib/tunnels/supervisor";
import { readState } from "../../src/lib/tunnels/state";
import { logPath } from "../../src/lib/tunnels/state";
import { commandLine, isWorkerAlive } from "../../src/lib/tunnels/supervisor/liveness";
import { createWorld, workerBundle, type World } from "./harness";
import { echoOnce } from "./traffic";
import { WORKER_NODE_FLAGS } from "../../src/lib/tunnels/supervisor/worker-command";

describe("tunnel worker end to end", () => {
  let w: World;
  beforeAll(async () => {
    w = await createWorld();
    await w.seedToken();
  });
  afterAll(() => w?.close());

  test("connects, forwards data, reports state, and stops cleanly with TerminateSession", async () => {
    const def = await w.define();
    const pid = await w.start(def);
    const state = await w.waitStatus(def.id, "connected");
    expect(state.pid).toBe(pid);
    expect(state.localAddress).toBe(`127.0.0.1:${def.localPort}`);
    expect(state.sessionId).toMatch(/-[0-9a-f]{17}$/);
    // Secrets never travel in argv: the worker's command line names only the tunnel.
    expect(await commandLine(pid)).toBe(
      [process.execPath, ...WORKER_NODE_FLAGS, await workerBundle(), "tunnel", "run", def.id].join(" "),
    );
    const data = Buffer.from("hello through the tunnel\n");
    expect((await echoOnce(def.localPort, data)).toString()).toBe(data.toString());

    await stopTunnel(def.id, { env: w.env });
    expect(await isWorkerAlive(pid)).toBe(false);
    const stopped = readState(w.env, def.id)!;
    expect(stopped.status).toBe("stopped");
    expect(stopped.bytesOut).toBeGreaterThanOrEqual(data.length);
    expect(w.emu.ssm.sessions.get(state.sessionId!)?.status).toBe("Terminated");
    const terminateCalls = w.emu.log.filter((e) => e.operation === "TerminateSession");
    expect(terminateCalls.length).toBeGreaterThanOrEqual(1);
    const log = readFileSync(logPath(w.env, def.id), "utf8");
    expect(log).toContain("connected: session");
    const token = readFileSync(await w.tokenFile(), "utf8");
    const accessToken = JSON.parse(token).accessToken as string;
    expect(log).not.toContain(accessToken);
    // Nor the role credentials' secrets, nor the data channel's TokenValue.
    for (const c of w.emu.directory.credentials.values()) {
      expect(log).not.toContain(c.secretAccessKey);
      expect(log).not.toContain(c.sessionToken);
    }
    for (const token of w.emu.ssm.sessions.get(state.sessionId!)!.tokens) expect(log).not.toContain(token);
  });
});
