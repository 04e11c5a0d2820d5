// Phase 3, open a session: StartSession, the data channel's handshake, then (first time only) the local listener.
// From the moment StartSession answers, the session is one of the worker's live sessions, so a stop in any later step
// terminates it; a session whose data channel or listener fails is terminated before the error goes on.
import type { WorkerContext } from "./context";
import type { OpenedSession } from "./session-backend";
import { terminateSession } from "./stop";

export interface LiveSession extends OpenedSession {
  agentVersion: string;
  mode: string;
}

/** One session up to HandshakeComplete: the first of a pool, or a member joining or replacing one later. */
export async function startSession(ctx: WorkerContext): Promise<LiveSession> {
  const { backend, def, log, authWatch, signal, callSignal, traffic } = ctx;
  const opened = await backend.open(def, {
    log,
    signal: callSignal,
    beforeResume: () => authWatch.untilUsable(signal),
  });
  traffic.add(opened);
  const info = await untilAborted(() => opened.session.start(), signal).catch((err: unknown) =>
    abandon(ctx, opened, err),
  );
  return { ...opened, ...info };
}

export async function openSession(ctx: WorkerContext): Promise<LiveSession> {
  const live = await startSession(ctx);
  if (!ctx.listener.listening) {
    await untilAborted(() => ctx.listener.listen(), ctx.signal).catch((err: unknown) => abandon(ctx, live, err));
  }
  return live;
}

/** What followed StartSession failed: do not leave the session open on AWS. Stopping: stop() terminates it. */
async function abandon(ctx: WorkerContext, opened: OpenedSession, err: unknown): Promise<never> {
  if (!ctx.signal.aborted) await terminateSession(ctx, opened, 0);
  throw err;
}

/**
 * Starts `work` unless the worker is told to stop; settles like it, or rejects as soon as the worker is told to stop
 * (work that goes on is dealt with by stop(); its own outcome is then ignored).
 */
function untilAborted<T>(start: () => Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new Error("stopped"));
  const work = start();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Error("stopped"));
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
