// Stopping a tunnel in every phase of its worker (issue 9 item 3): StartSession pending, the handshake pending,
// ResumeSession pending, serving. Each stop completes within a second, terminates the session the worker opened, and
// never leaves (or opens) the local port afterwards.
import { createConnection } from "node:net";
import { readState } from "../../src/lib/tunnels/state";
import { stopTunnel } from "../../src/lib/tunnels/supervisor";
import type { TunnelDefinition } from "../../src/lib/tunnels/definition";
import { waitFor } from "../tunnels/helpers";
import { createWorld, type World } from "./harness";

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** True when something accepts connections on the port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection(port, "127.0.0.1");
    s.once("connect", () => (s.destroy(), resolve(true)));
    s.once("error", () => resolve(false));
  });
}

describe("stopping a tunnel", () => {
  let w: World;
  beforeAll(async () => {
    w = await createWorld();
    await w.seedToken();
  });
  afterAll(() => w?.close());
  afterEach(() => {
    w.emu.clearFaults();
    w.emu.dataChannel.behaviour.handshake = "normal";
  });

  const dataChannelEvents = (sessionId: string, operation: string) =>
    w.emu.log.filter((e) => e.service === "data-channel" && e.operation === operation && e.path.endsWith(sessionId));

  /**
   * Stops through the supervisor, as Raycast and the CLI do. `ms` is the worker's own stop, from the signal to its
   * last line (its log's timestamps); noticing the exit is the supervisor's business and depends on the OS reaping.
   */
  async function timedStop(def: TunnelDefinition): Promise<{ ms: number; forced: boolean }> {
    const { forced } = await stopTunnel(def.id, { env: w.env, stopTimeoutMs: 5000 });
    const at = (text: string) => {
      const line = w.logLines(def.id).find((l) => l.includes(text));
      if (!line) throw new Error(`no "${text}" in the worker log:\n${w.logLines(def.id).join("\n")}`);
      return Date.parse(line.slice(0, line.indexOf(" ")));
    };
    return { ms: at("worker exiting") - at("told to stop"), forced };
  }

  /**
   * The session is terminated on AWS. The TerminateSession API call goes through the worker's AWS helper, which
   * finishes it after the worker has left if the stop's second ran out first (a loaded machine): so wait a little.
   */
  async function expectTerminated(sessionId: string): Promise<void> {
    const status = () => w.emu.ssm.sessions.get(sessionId)?.status;
    await waitFor(() => status() === "Terminated", 10_000).catch(() => undefined);
    expect(status()).toBe("Terminated");
  }

  function expectStopped(def: TunnelDefinition): void {
    const state = readState(w.env, def.id)!;
    expect(state.status).toBe("stopped");
    expect(state.lastError).toBeUndefined();
  }

  test("while StartSession is pending: stops at once, never opens the port, and terminates the session AWS opens", async () => {
    // The test holds StartSession at the emulator until the worker is gone: past the worker's grace, so the session
    // AWS then creates is one the worker never hears of (its AWS helper must terminate it).
    const arrived = deferred();
    const release = deferred();
    w.emu.addFault({
      service: "ssm",
      operation: "StartSession",
      times: 1,
      hold: () => (arrived.resolve(), release.promise),
    });
    const def = await w.define();
    await w.start(def);
    await arrived.promise;
    const channelsBefore = w.emu.log.filter((e) => e.service === "data-channel" && e.operation === "connect").length;
    const { ms, forced } = await timedStop(def);
    expect(forced).toBe(false);
    expect(ms).toBeLessThan(1000);
    expectStopped(def);
    expect(w.sessionsOf(def)).toHaveLength(0);
    release.resolve();
    await waitFor(() => w.sessionsOf(def).length === 1, 10_000);
    await expectTerminated(w.sessionsOf(def)[0].sessionId);
    expect(await listening(def.localPort)).toBe(false);
    const channelsAfter = w.emu.log.filter((e) => e.service === "data-channel" && e.operation === "connect").length;
    expect(channelsAfter).toBe(channelsBefore);
  }, 30_000);

  test("while a slow StartSession answers within the grace: the session it returns is terminated", async () => {
    w.emu.addFault({ service: "ssm", operation: "StartSession", times: 1, delayMs: 200 });
    const credentialsBefore = w.emu.log.filter((e) => e.operation === "GetRoleCredentials").length;
    const def = await w.define();
    await w.start(def);
    // The SDK signs StartSession with these credentials and sends it right after: the call is under way.
    await waitFor(
      () => w.emu.log.filter((e) => e.operation === "GetRoleCredentials").length > credentialsBefore,
      10_000,
      5,
    );
    const { ms, forced } = await timedStop(def);
    expect(forced).toBe(false);
    expect(ms).toBeLessThan(1000);
    expectStopped(def);
    const sessions = w.sessionsOf(def);
    expect(sessions).toHaveLength(1);
    await expectTerminated(sessions[0].sessionId);
    expect(await listening(def.localPort)).toBe(false);
  }, 30_000);

  test("while the handshake is pending: terminates the session and never opens the port", async () => {
    w.emu.dataChannel.behaviour.handshake = "none";
    const def = await w.define();
    await w.start(def);
    const sessionId = await waitFor(() => {
      const s = w.emu.dataChannel.sessions().find((v) => v.connectedSockets > 0 && v.mode === "handshake");
      return s && readState(w.env, def.id)?.status === "connecting" ? s.sessionId : undefined;
    });
    const { ms, forced } = await timedStop(def);
    expect(forced).toBe(false);
    expect(ms).toBeLessThan(1000);
    expectStopped(def);
    await expectTerminated(sessionId);
    expect(await listening(def.localPort)).toBe(false);
  }, 30_000);

  test("while ResumeSession is pending: terminates the session and closes the port", async () => {
    const def = await w.define();
    await w.start(def);
    const { sessionId } = await w.waitStatus(def.id, "connected");
    const arrived = deferred();
    const release = deferred();
    w.emu.addFault({
      service: "ssm",
      operation: "ResumeSession",
      times: 1,
      hold: () => (arrived.resolve(), release.promise),
    });
    w.emu.dataChannel.closeSocket({ sessionId, abrupt: true });
    await arrived.promise; // the ResumeSession call is under way
    const { ms, forced } = await timedStop(def);
    expect(forced).toBe(false);
    expect(ms).toBeLessThan(1000);
    expectStopped(def);
    release.resolve();
    await expectTerminated(sessionId!);
    expect(await listening(def.localPort)).toBe(false);
  }, 30_000);

  test("while serving: TerminateSession flag and API, port closed", async () => {
    const def = await w.define();
    await w.start(def);
    const { sessionId } = await w.waitStatus(def.id, "connected");
    expect(await listening(def.localPort)).toBe(true);
    const { ms, forced } = await timedStop(def);
    expect(forced).toBe(false);
    expect(ms).toBeLessThan(1000);
    expectStopped(def);
    expect(dataChannelEvents(sessionId!, "flag").length).toBeGreaterThan(0);
    await expectTerminated(sessionId!);
    expect(await listening(def.localPort)).toBe(false);
  }, 30_000);
});
