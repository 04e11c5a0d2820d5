// Phase 4, serve: the session pool takes the listener's connections until its last session ends or the worker is
// told to stop. The pool keeps the status in step with its members (drop → reconnecting, resumed → connected).
import type { WorkerContext } from "./context";
import type { LiveSession } from "./open-session";
import { SessionPool, type PoolEnd } from "./pool";
import { withTimeout } from "./with-timeout";

export type EndResult = PoolEnd;

export async function serve(ctx: WorkerContext, first: LiveSession): Promise<EndResult> {
  const { listener, writer, log, authWatch } = ctx;
  writer.update({
    status: "connected",
    sessionId: first.sessionId,
    localAddress: listener.address,
    lastError: undefined,
  });
  log(
    `connected: session ${first.sessionId}, agent ${first.agentVersion} (${first.mode}), listening on ${listener.address}`,
  );
  const pool = new SessionPool(ctx);
  pool.start(first);
  authWatch.start();
  const end = await pool.ended;
  authWatch.stop();
  listener.detach();
  // Members still opening are closed before the next phase; a member whose StartSession hangs does not hold it up.
  await withTimeout(pool.close(), 5000).catch(() => log("a pool member was still opening; it is closed when it opens"));
  return end;
}
