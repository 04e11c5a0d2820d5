// The end of a worker, whatever phase it was in: terminate the live sessions, close the listener, write the final
// status. The one place a worker stops, and (terminateSession) the one place a session is terminated.
import type { WorkerContext } from "./context";
import type { OpenedSession } from "./session-backend";
import { withTimeout } from "./with-timeout";

export async function stop(ctx: WorkerContext): Promise<void> {
  const { authWatch, traffic, log, retry, listener, writer, signal } = ctx;
  authWatch.stop();
  // The TerminateSession calls go through the AWS helper: have it start while the flags wait for their acks.
  if (traffic.live.length > 0) ctx.auth.aws.warm();
  // Every live session at once (serving, resuming or still opening): stopping a pool of 8 takes as long as one.
  await Promise.all(traffic.live.map((live) => terminateSession(ctx, live, retry.terminateAckMs)));
  ctx.auth.aws.close();
  await listener.close();
  // Told to stop: `stopped`, whatever was going on. Gave up by itself (auto-reconnect off): keep the error.
  const final = { activeConnections: 0, sessions: undefined };
  if (signal.aborted) writer.update({ ...final, status: "stopped", lastError: undefined, login: undefined });
  else if (writer.status !== "stopped" && writer.status !== "error") writer.update({ ...final, status: "stopped" });
  else writer.update(final);
  writer.stop();
  ctx.closeLog();
  log("worker exiting");
}

/**
 * TerminateSession for one of the worker's sessions: the flag with at most `ackMs` for its ack, then the API, bounded
 * so that a dead network cannot hold a stop. The session's counters join the tunnel's totals.
 */
export async function terminateSession(ctx: WorkerContext, opened: OpenedSession, ackMs: number): Promise<void> {
  const { traffic, log, retry } = ctx;
  log(`terminating session ${opened.sessionId}`);
  await withTimeout(opened.session.terminate(ackMs), ackMs + retry.terminateApiMs).catch((e: Error) =>
    log(`terminate ${opened.sessionId}: ${e.message}`),
  );
  traffic.retire(opened);
}
