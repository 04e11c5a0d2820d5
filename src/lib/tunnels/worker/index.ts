// The tunnel worker (`stormtunnel tunnel run <id>`): one process per tunnel. Port check, sign-in, StartSession, the
// local listener (opened only after the handshake), then keeping the tunnel up until SIGTERM. Its state file is the
// single truth the CLI and Raycast read.
import type { Socket } from "node:net";
import { abortableSleep } from "../../abortable-sleep";
import { backoffDelay } from "../../ssm/channel/backoff";
import { resolveEndpoints } from "../../aws/sdk-config";
import type { Env } from "../../home";
import { settingsFromEnv } from "../../settings";
import type { OpenBrowser } from "../../sso/login/browser";
import { findTunnel } from "../store";
import { checkPort, describePortProblem } from "../ports";
import {
  describeEnd,
  describeListenError,
  isFatalListenError,
  retryPolicyFromEnv,
  waitForEnd,
  withTimeout,
  type RetryPolicy,
} from "./support";
import { LocalListener } from "./local-listener";
import { initialState, writeState } from "../state";
import { StateWriter } from "./state-writer";
import { TunnelAuth } from "./tunnel-auth";
import { classifyFailure, type Failure } from "./errors";
import { AuthWatch } from "./auth-watch";
import type { ForwardingSession, SessionBackend } from "./session-backend";
import { createSsmBackend } from "./ssm-backend";
import type { TunnelDefinition } from "../definition";
import { describeRoute } from "../route";

export interface WorkerOptions {
  env: Env;
  id: string;
  /** Aborted on SIGTERM/SIGINT: terminate the session and exit. */
  signal: AbortSignal;
  log?: (line: string) => void;
  now?: () => Date;
  random?: () => number;
  retry?: RetryPolicy;
  openBrowser?: OpenBrowser;
  backend?: (auth: TunnelAuth, def: TunnelDefinition) => SessionBackend;
}

export async function runTunnelWorker(o: WorkerOptions): Promise<number> {
  const log = o.log ?? ((line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`));
  const now = o.now ?? (() => new Date());
  const retry = o.retry ?? retryPolicyFromEnv(o.env);
  const def = await findTunnel(o.env, o.id);
  if (!def || def.id !== o.id) {
    writeState(o.env, initialState(o.id, now(), { status: "error", lastError: `tunnel ${o.id} is not defined` }));
    log(`tunnel ${o.id} is not defined; exiting`);
    return 1;
  }
  const writer = new StateWriter(
    o.env,
    def.id,
    { name: def.name, profile: def.profile, target: describeRoute(def) },
    now,
  );
  log(`worker ${process.pid} for tunnel "${def.name}" (${describeRoute(def)}) on ${def.bindAddress}:${def.localPort}`);

  const port = await checkPort(def.bindAddress, def.localPort);
  if (!port.free) {
    const message = describePortProblem(def.bindAddress, def.localPort, port);
    writer.update({ status: "error", lastError: message });
    log(`refusing to start: ${message}`);
    return 1;
  }

  const settings = settingsFromEnv(o.env);
  let auth: TunnelAuth;
  try {
    auth = await TunnelAuth.load({
      env: o.env,
      settings,
      endpoints: resolveEndpoints(undefined, o.env),
      profileName: def.profile,
      log,
      openBrowser: o.openBrowser,
    });
  } catch (err) {
    const { message } = classifyFailure(err);
    writer.update({ status: "error", lastError: message });
    log(`cannot start: ${message}`);
    return 1;
  }

  const listener = new LocalListener({ bindAddress: def.bindAddress, port: def.localPort, log });
  const totals = { connections: 0, bytesIn: 0, bytesOut: 0 };
  let current: ForwardingSession | undefined;
  let currentId: string | undefined;
  writer.trackCounters(() => ({
    connections: totals.connections + (current?.stats.connections ?? 0),
    activeConnections: current?.stats.activeConnections ?? 0,
    bytesIn: totals.bytesIn + (current?.stats.bytesIn ?? 0),
    bytesOut: totals.bytesOut + (current?.stats.bytesOut ?? 0),
  }));
  const authWatch = new AuthWatch({ auth, writer, log, signal: o.signal, intervalMs: settings.checkIntervalMs });
  const backend = (o.backend ?? createSsmBackend)(auth, def);

  let loginAllowed = true; // only the connect the user asked for may open a browser
  let forceLogin = false;
  let failures = 0;
  let failingSince: number | undefined;
  let everConnected = false;

  while (!o.signal.aborted) {
    try {
      await auth.accessToken({
        allowLogin: loginAllowed,
        forceLogin,
        signal: o.signal,
        onLogin: (login) => {
          // One browser sign-in per connect: if it fails or is abandoned, wait for a token instead of a tab storm.
          loginAllowed = false;
          writer.update(login ? { status: "authenticating", login } : { login: undefined });
        },
      });
      writer.update({ status: everConnected ? "reconnecting" : "connecting", login: undefined });
      const opened = await backend.open(def, { log, beforeResume: () => authWatch.untilUsable(o.signal) });
      const info = await opened.session.start().catch(async (err: unknown) => {
        // StartSession succeeded but the data channel did not: do not leave the session open on AWS.
        await withTimeout(opened.session.terminate(0), 3000).catch(() => undefined);
        throw err;
      });
      if (!listener.listening) {
        await listener.listen().catch(async (err: unknown) => {
          await withTimeout(opened.session.terminate(0), 3000).catch(() => undefined);
          throw err;
        });
      }
      current = opened.session;
      currentId = opened.sessionId;
      const handOver = (socket: Socket) => opened.session.handleConnection(socket);
      listener.attach(handOver);
      // While the data channel is down a resume may still be refused; connections made meanwhile wait in the
      // listener rather than join a session that might end, and go to whichever session is up next.
      opened.session.on("reconnecting", () => listener.detach());
      opened.session.on("reconnected", () => listener.attach(handOver));
      opened.session.on("connection-error", (err: Error) => {
        // The tunnel is up but its destination refused one connection (e.g. the database is down): say so.
        const where = def.remoteHost
          ? `${def.remoteHost}:${def.remotePort}`
          : `port ${def.remotePort} on ${def.target}`;
        log(`a connection to ${where} failed: ${err.message}`);
        if (writer.status === "connected") {
          writer.update({ lastError: `The instance could not connect to ${where}: ${err.message}` });
        }
      });
      loginAllowed = forceLogin = false;
      failures = 0;
      failingSince = undefined;
      everConnected = true;
      writer.update({
        status: "connected",
        sessionId: opened.sessionId,
        localAddress: listener.address,
        lastError: undefined,
      });
      log(
        `connected: session ${opened.sessionId}, agent ${info.agentVersion} (${info.mode}), listening on ${listener.address}`,
      );
      authWatch.start();
      const end = await waitForEnd(opened.session, o.signal, writer, authWatch);
      authWatch.stop();
      listener.detach();
      if (end === "aborted") break;
      const s = opened.session.stats;
      totals.connections += s.connections;
      totals.bytesIn += s.bytesIn;
      totals.bytesOut += s.bytesOut;
      current = currentId = undefined;
      const why = describeEnd(end.reason, end.detail);
      log(`session ${opened.sessionId} ended (${end.reason}): ${why}`);
      if (!def.autoReconnect) {
        writer.update({ status: "stopped", lastError: `${why} (auto-reconnect is off)` });
        break;
      }
      // Ended sessions (idle timeout, hourly recycle, refused resume) are replaced at once behind the same listener.
      writer.update({ status: "reconnecting", lastError: why });
    } catch (err) {
      if (o.signal.aborted) break;
      const failure = classifyFailure(err);
      if (isFatalListenError(err)) {
        writer.update({ status: "error", lastError: describeListenError(def, err) });
        log(`cannot listen: ${describeListenError(def, err)}`);
        await shutdown();
        return 1;
      }
      if (failure.kind === "auth") {
        await waitForSignIn(failure);
        continue;
      }
      failures += 1;
      failingSince ??= Date.now();
      const longFailing = Date.now() - failingSince >= retry.errorAfterMs;
      const hopeless = failure.kind === "permission" || failure.kind === "config";
      const status = longFailing || hopeless ? "error" : everConnected ? "reconnecting" : "connecting";
      writer.update({ status, lastError: failure.message });
      log(`attempt ${failures} failed (${failure.kind}): ${failure.message}`);
      if (status === "error" && !def.autoReconnect) break;
      const delay = hopeless
        ? retry.maxMs
        : backoffDelay({ ...retry, budgetMs: Infinity }, failures, o.random ?? Math.random);
      await abortableSleep(delay, o.signal);
    }
  }
  await shutdown();
  return writer.status === "error" ? 1 : 0;

  async function waitForSignIn(failure: Failure): Promise<void> {
    // A token that looks valid but was rejected: only a new one helps. The user's own connect may sign in at once.
    const looksValid = (await auth.check().catch(() => undefined))?.tunnelUsable ?? false;
    if (loginAllowed && looksValid && !forceLogin) {
      forceLogin = true;
      return;
    }
    loginAllowed = false;
    forceLogin = false;
    writer.update({ status: "auth-required", lastError: failure.message, login: undefined });
    log(`waiting for a new sign-in: ${failure.message}`);
    await auth.waitForToken(o.signal, looksValid).catch(() => undefined);
    if (!o.signal.aborted) log("a new SSO token appeared; reconnecting");
  }

  async function shutdown(): Promise<void> {
    authWatch.stop();
    const session = current;
    const sessionId = currentId;
    if (session && sessionId) {
      log(`terminating session ${sessionId}`);
      await withTimeout(session.terminate(retry.terminateAckMs), retry.terminateAckMs + 3000).catch((e: Error) =>
        log(`terminate: ${e.message}`),
      );
    }
    await listener.close();
    // Told to stop: `stopped`, whatever was going on. Gave up by itself (auto-reconnect off): keep the error.
    if (o.signal.aborted)
      writer.update({ status: "stopped", activeConnections: 0, lastError: undefined, login: undefined });
    else if (writer.status !== "stopped" && writer.status !== "error")
      writer.update({ status: "stopped", activeConnections: 0 });
    writer.stop();
    log("worker exiting");
  }
}
