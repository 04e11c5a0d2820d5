// Supervisor against a fake worker: double-fork spawn, state files, group stop, SIGKILL escalation, stale states.
// The test never reads /proc: it asks the product's process listing, through the macOS `ps` branch for groups.
import { writeFileSync, mkdirSync, statSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createConnection, createServer, type Server } from "node:net";
import {
  LOG_ROTATE_BYTES,
  PortInUseError,
  isRunning,
  reconcile,
  startTunnel,
  stopTunnel,
  tunnelStatuses,
} from "../../src/lib/tunnels/supervisor";
import { readState, type TunnelState } from "../../src/lib/tunnels/state";
import { isWorkerAlive, processTable } from "../../src/lib/tunnels/supervisor/liveness";
import { freePort, killGroup, tempEnv, waitFor, type TempEnv } from "./helpers";

const FAKE = join(__dirname, "fixtures", "fake-worker.js");

describe("supervisor", () => {
  let t: TempEnv;
  const pids: number[] = [];
  let blocker: Server | undefined;

  beforeEach(() => {
    t = tempEnv({ STORMTUNNEL_WORKER_COMMAND: JSON.stringify([process.execPath, FAKE]) });
  });
  afterEach(async () => {
    for (const pid of pids.splice(0)) killGroup(pid);
    await new Promise<void>((r) => (blocker ? blocker.close(() => r()) : r()));
    blocker = undefined;
    t.cleanup();
  });

  async function define(id: string): Promise<{ id: string; name: string; bindAddress: string; localPort: number }> {
    const def = {
      id,
      name: `name-${id}`,
      profile: "dev",
      target: "i-0123456789abcdef0",
      remotePort: 80,
      localPort: await freePort(),
      bindAddress: "127.0.0.1",
      autoReconnect: true,
    };
    mkdirSync(t.env.STORMTUNNEL_HOME, { recursive: true });
    writeFileSync(join(t.env.STORMTUNNEL_HOME, "tunnels.json"), JSON.stringify({ version: 1, tunnels: [def] }));
    return def;
  }

  const connected = (id: string) => () => {
    const s = readState(t.env, id);
    return s?.status === "connected" ? s : undefined;
  };

  test("starts a detached worker in its own process group, reports it, stops it with SIGTERM", async () => {
    const def = await define("web");
    const { pid, alreadyRunning } = await startTunnel(def, { env: t.env });
    pids.push(pid);
    expect(alreadyRunning).toBe(false);
    const state = await waitFor(connected("web"));
    expect(state.pid).toBe(pid);
    // Detached: the worker leads its own process group, so Raycast's teardown does not reach it.
    const info = (await processTable([pid], { platform: "darwin" })).get(pid);
    expect(info?.pgid).toBe(pid);
    expect(info?.ppid).not.toBe(process.pid); // re-parented: the launcher has exited
    expect(info?.command).toContain("tunnel run web");
    expect(statSync(join(t.env.STORMTUNNEL_HOME, "state")).mode & 0o777).toBe(0o700);
    expect(readFileSync(join(t.env.STORMTUNNEL_HOME, "logs", "web.log"), "utf8")).toContain("listening");

    // A second start finds the live worker instead of spawning another.
    expect(await startTunnel(def, { env: t.env })).toEqual({ pid, alreadyRunning: true });
    expect(await isRunning(t.env, "web")).toBe(true);

    const stop = await stopTunnel("web", { env: t.env });
    expect(stop).toEqual({ wasRunning: true, forced: false });
    expect(await isWorkerAlive(pid)).toBe(false); // gone, or a zombie nobody has reaped yet
    expect(readState(t.env, "web")?.status).toBe("stopped");
    // The port is free again.
    await new Promise<void>((resolve, reject) => {
      const s = createServer().listen(def.localPort, "127.0.0.1", () => s.close(() => resolve()));
      s.once("error", reject);
    });
  });

  test("rotates a log that has grown past 5 MB when the tunnel starts again", async () => {
    const def = await define("chatty");
    mkdirSync(join(t.env.STORMTUNNEL_HOME, "logs"), { recursive: true });
    const log = join(t.env.STORMTUNNEL_HOME, "logs", "chatty.log");
    writeFileSync(log, Buffer.alloc(LOG_ROTATE_BYTES + 1, 0x2e));
    const { pid } = await startTunnel(def, { env: t.env });
    pids.push(pid);
    await waitFor(connected("chatty"));
    expect(statSync(`${log}.1`).size).toBe(LOG_ROTATE_BYTES + 1);
    expect(statSync(log).size).toBeLessThan(1000);
    await stopTunnel("chatty", { env: t.env });
  });

  test("refuses a port that is in use and names the process holding it", async () => {
    const def = await define("db");
    blocker = createServer();
    await new Promise<void>((r) => blocker!.listen(def.localPort, "127.0.0.1", () => r()));
    const err = await startTunnel(def, { env: t.env }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PortInUseError);
    expect((err as Error).message).toContain(`127.0.0.1:${def.localPort} is already in use by`);
    expect((err as Error).message).toContain(`(pid ${process.pid})`);
  });

  test("SIGKILL escalation: a worker that ignores SIGTERM is killed with its whole group", async () => {
    t.env.FAKE_WORKER_IGNORE_TERM = "1";
    t.env.FAKE_WORKER_CHILD = "1";
    const def = await define("stubborn");
    const { pid } = await startTunnel(def, { env: t.env });
    pids.push(pid);
    const state = (await waitFor(connected("stubborn"))) as TunnelState & { childPid: number };
    expect(await isWorkerAlive(state.childPid)).toBe(true);
    const stop = await stopTunnel("stubborn", { env: t.env, stopTimeoutMs: 500 });
    expect(stop.forced).toBe(true);
    const s = readState(t.env, "stubborn");
    expect(s?.status).toBe("stopped");
    expect(s?.lastError).toMatch(/killed/);
    await waitFor(async () => !(await isRunning(t.env, "stubborn")));
    // The worker's child went with the group.
    await waitFor(async () => !(await isWorkerAlive(state.childPid)));
  });

  test("a SIGKILLed worker is detected as stale: state corrected to stopped, port released", async () => {
    const def = await define("crashy");
    const { pid } = await startTunnel(def, { env: t.env });
    pids.push(pid);
    await waitFor(connected("crashy"));
    process.kill(pid, "SIGKILL");
    await waitFor(async () => !(await isRunning(t.env, "crashy")));
    const [s] = await tunnelStatuses({ env: t.env });
    expect(s.status).toBe("stopped");
    expect(s.lastError).toContain(`pid ${pid}`);
    expect((await reconcile(t.env, "crashy"))?.status).toBe("stopped");
    await new Promise<void>((resolve, reject) => {
      const c = createConnection(def.localPort, "127.0.0.1");
      c.once("connect", () => reject(new Error("port still open")));
      c.once("error", () => resolve());
    });
    // A fresh start works again on the same port.
    const again = await startTunnel(def, { env: t.env });
    pids.push(again.pid);
    await waitFor(connected("crashy"));
    await stopTunnel("crashy", { env: t.env });
  });
});
