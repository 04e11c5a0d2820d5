// Phase 3, open a session: StartSession, the data channel's handshake, then (first time only) the local listener.
// A session whose data channel or listener fails is terminated before the error goes on to recovery.
import type { WorkerContext } from "./context";
import type { OpenedSession } from "./session-backend";
import { withTimeout } from "./with-timeout";

export interface LiveSession extends OpenedSession {
  agentVersion: string;
  mode: string;
}

export async function openSession(ctx: WorkerContext): Promise<LiveSession> {
  const { backend, def, log, authWatch, signal, listener } = ctx;
  const opened = await backend.open(def, { log, beforeResume: () => authWatch.untilUsable(signal) });
  // StartSession succeeded; if what follows fails, do not leave the session open on AWS.
  const abandon = async (err: unknown): Promise<never> => {
    await withTimeout(opened.session.terminate(0), 3000).catch(() => undefined);
    throw err;
  };
  const info = await opened.session.start().catch(abandon);
  if (!listener.listening) await listener.listen().catch(abandon);
  return { ...opened, ...info };
}
