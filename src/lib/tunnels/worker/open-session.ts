// Phase 3, open a session: StartSession, the data channel's handshake, then (first time only) the local listener.
// A session whose data channel or listener fails is terminated before the error goes on to recovery.
import type { WorkerContext } from "./context";
import type { OpenedSession } from "./session-backend";
import { withTimeout } from "./with-timeout";

export interface LiveSession extends OpenedSession {
  agentVersion: string;
  mode: string;
}

/** One session up to HandshakeComplete: the first of a pool, or a member joining or replacing one later. */
export async function startSession(ctx: WorkerContext): Promise<LiveSession> {
  const { backend, def, log, authWatch, signal } = ctx;
  const opened = await backend.open(def, { log, beforeResume: () => authWatch.untilUsable(signal) });
  const info = await opened.session.start().catch((err: unknown) => abandon(opened, err));
  return { ...opened, ...info };
}

export async function openSession(ctx: WorkerContext): Promise<LiveSession> {
  const live = await startSession(ctx);
  if (!ctx.listener.listening) await ctx.listener.listen().catch((err: unknown) => abandon(live, err));
  return live;
}

/** StartSession succeeded but what followed failed: do not leave the session open on AWS. */
async function abandon(opened: OpenedSession, err: unknown): Promise<never> {
  await withTimeout(opened.session.terminate(0), 3000).catch(() => undefined);
  throw err;
}
