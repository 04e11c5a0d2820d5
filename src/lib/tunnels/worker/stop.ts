// The end of a worker, whatever phase it was in: terminate the live sessions, close the listener, write the final
// status. The one place a worker stops.
import type { WorkerContext } from "./context";
import { withTimeout } from "./with-timeout";

export async function stop(ctx: WorkerContext): Promise<void> {
  const { authWatch, traffic, log, retry, listener, writer, signal } = ctx;
  authWatch.stop();
  // Every member of the pool at once: stopping a pool of 8 takes as long as stopping one session.
  await Promise.all(
    traffic.live.map(async (live) => {
      log(`terminating session ${live.sessionId}`);
      await withTimeout(live.session.terminate(retry.terminateAckMs), retry.terminateAckMs + 3000).catch((e: Error) =>
        log(`terminate ${live.sessionId}: ${e.message}`),
      );
    }),
  );
  await listener.close();
  // Told to stop: `stopped`, whatever was going on. Gave up by itself (auto-reconnect off): keep the error.
  const final = { activeConnections: 0, sessions: undefined };
  if (signal.aborted) writer.update({ ...final, status: "stopped", lastError: undefined, login: undefined });
  else if (writer.status !== "stopped" && writer.status !== "error") writer.update({ ...final, status: "stopped" });
  else writer.update(final);
  writer.stop();
  log("worker exiting");
}
