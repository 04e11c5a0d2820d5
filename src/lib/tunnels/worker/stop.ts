// The end of a worker, whatever phase it was in: terminate the live session, close the listener, write the final
// status. The one place a worker stops.
import type { WorkerContext } from "./context";
import { withTimeout } from "./with-timeout";

export async function stop(ctx: WorkerContext): Promise<void> {
  const { authWatch, traffic, log, retry, listener, writer, signal } = ctx;
  authWatch.stop();
  const live = traffic.current;
  if (live) {
    log(`terminating session ${live.sessionId}`);
    await withTimeout(live.session.terminate(retry.terminateAckMs), retry.terminateAckMs + 3000).catch((e: Error) =>
      log(`terminate: ${e.message}`),
    );
  }
  await listener.close();
  // Told to stop: `stopped`, whatever was going on. Gave up by itself (auto-reconnect off): keep the error.
  if (signal.aborted)
    writer.update({ status: "stopped", activeConnections: 0, lastError: undefined, login: undefined });
  else if (writer.status !== "stopped" && writer.status !== "error")
    writer.update({ status: "stopped", activeConnections: 0 });
  writer.stop();
  log("worker exiting");
}
