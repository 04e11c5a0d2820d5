// Phase 1, prepare: the tunnel's definition, its state file, a free local port and a profile that can sign in.
// Anything wrong here is final (exit 1 with the reason in the state file); nothing has been opened yet.
import { settingsFromEnv } from "../../settings";
import { findTunnel } from "../store";
import { checkPort, describePortProblem } from "../ports";
import { initialState, writeState } from "../state";
import { describeRoute } from "../route";
import { AuthWatch } from "./auth-watch";
import type { WorkerContext } from "./context";
import { classifyFailure } from "./errors";
import { LocalListener } from "./local-listener";
import { retryPolicyFromEnv } from "./retry-policy";
import { createSsmBackend } from "./ssm-backend";
import { StateWriter } from "./state-writer";
import { Traffic } from "./traffic";
import { TunnelAuth } from "./tunnel-auth";
import type { WorkerOptions } from "./options";
import { AwsHelper } from "./aws-calls/helper-client";
import { resolveWorkerCommand } from "../supervisor/worker-command";
import { createWorkerLog } from "./worker-log";

/** The context every later phase shares, or the exit code when the tunnel cannot start at all. */
export async function prepare(o: WorkerOptions): Promise<WorkerContext | number> {
  const { log, close: closeLog } = createWorkerLog(o.env, o.id, o.log);
  const now = o.now ?? (() => new Date());
  const def = await findTunnel(o.env, o.id);
  if (!def || def.id !== o.id) {
    writeState(o.env, initialState(o.id, now(), { status: "error", lastError: `tunnel ${o.id} is not defined` }));
    log(`tunnel ${o.id} is not defined; exiting`);
    return 1;
  }
  o.signal.addEventListener("abort", () => log(`told to stop (${String(o.signal.reason ?? "aborted")})`), {
    once: true,
  });
  const route = describeRoute(def);
  const writer = new StateWriter(o.env, def.id, { name: def.name, profile: def.profile, target: route }, now);
  log(`worker ${process.pid} for tunnel "${def.name}" (${route}) on ${def.bindAddress}:${def.localPort}`);

  const port = await checkPort(def.bindAddress, def.localPort);
  if (!port.free) {
    const message = describePortProblem(def.bindAddress, def.localPort, port);
    writer.update({ status: "error", lastError: message });
    log(`refusing to start: ${message}`);
    return 1;
  }

  const settings = settingsFromEnv(o.env);
  // AWS calls run in a helper process started on demand: the worker itself never loads the SDK.
  const aws = o.aws ?? new AwsHelper({ command: resolveWorkerCommand(o.env), env: o.env, log }).calls;
  let auth: TunnelAuth;
  try {
    auth = await TunnelAuth.load({
      aws,
      env: o.env,
      settings,
      profileName: def.profile,
      log,
      openBrowser: o.openBrowser,
    });
  } catch (err) {
    const { message } = classifyFailure(err);
    writer.update({ status: "error", lastError: message });
    log(`cannot start: ${message}`);
    aws.close();
    return 1;
  }

  const traffic = new Traffic();
  writer.trackCounters(() => traffic.counters());
  const retry = o.retry ?? retryPolicyFromEnv(o.env);
  return {
    env: o.env,
    def,
    signal: o.signal,
    closeLog,
    callSignal: abortLater(o.signal, retry.startGraceMs),
    log,
    retry,
    random: o.random ?? Math.random,
    writer,
    auth,
    authWatch: new AuthWatch({ auth, writer, log, signal: o.signal, intervalMs: settings.checkIntervalMs }),
    listener: new LocalListener({ bindAddress: def.bindAddress, port: def.localPort, log }),
    backend: (o.backend ?? createSsmBackend)(auth, def),
    traffic,
  };
}

/** A signal that aborts `ms` after `signal` does. */
function abortLater(signal: AbortSignal, ms: number): AbortSignal {
  const later = new AbortController();
  const abort = () => setTimeout(() => later.abort(signal.reason), ms).unref();
  if (signal.aborted) abort();
  else signal.addEventListener("abort", abort, { once: true });
  return later.signal;
}
