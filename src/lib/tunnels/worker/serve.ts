// Phase 4, serve: the listener hands connections to the live session until it ends or the worker is told to stop.
// The status follows the data channel (drop → reconnecting, resumed → connected) and the sign-in (auth-required).
import type { Socket } from "node:net";
import type { AuthWatch } from "./auth-watch";
import type { WorkerContext } from "./context";
import type { LiveSession } from "./open-session";
import type { ForwardingSession, SessionEndReason } from "./session-backend";
import type { StateWriter } from "./state-writer";

export type EndResult = { reason: SessionEndReason; detail: string } | "aborted";

export async function serve(ctx: WorkerContext, live: LiveSession): Promise<EndResult> {
  const { def, listener, writer, log, authWatch, signal, traffic } = ctx;
  const { session, sessionId } = live;
  traffic.current = live;
  const handOver = (socket: Socket) => session.handleConnection(socket);
  listener.attach(handOver);
  // While the data channel is down a resume may still be refused; connections made meanwhile wait in the
  // listener rather than join a session that might end, and go to whichever session is up next.
  session.on("reconnecting", () => listener.detach());
  session.on("reconnected", () => listener.attach(handOver));
  session.on("connection-error", (err: Error) => {
    // The tunnel is up but its destination refused one connection (e.g. the database is down): say so.
    const where = def.remoteHost ? `${def.remoteHost}:${def.remotePort}` : `port ${def.remotePort} on ${def.target}`;
    log(`a connection to ${where} failed: ${err.message}`);
    if (writer.status === "connected") {
      writer.update({ lastError: `The instance could not connect to ${where}: ${err.message}` });
    }
  });
  writer.update({ status: "connected", sessionId, localAddress: listener.address, lastError: undefined });
  log(`connected: session ${sessionId}, agent ${live.agentVersion} (${live.mode}), listening on ${listener.address}`);
  authWatch.start();
  const end = await waitForEnd(session, signal, writer, authWatch);
  authWatch.stop();
  listener.detach();
  if (end !== "aborted") traffic.retire();
  return end;
}

/** Until the session ends or the worker is told to stop; keeps the status in step with drops and resumes. */
function waitForEnd(
  session: ForwardingSession,
  signal: AbortSignal,
  writer: StateWriter,
  authWatch: AuthWatch,
): Promise<EndResult> {
  return new Promise((resolve) => {
    const onReconnecting = () => {
      if (writer.status === "connected")
        writer.update({ status: "reconnecting", lastError: "connection to Session Manager lost; resuming" });
    };
    const onReconnected = () => {
      if (writer.status === "reconnecting")
        writer.update({
          status: authWatch.needsSignIn ? "auth-required" : "connected",
          lastError: authWatch.needsSignIn ? writer.current.lastError : undefined,
        });
    };
    const finish = (result: EndResult) => {
      session.off("reconnecting", onReconnecting);
      session.off("reconnected", onReconnected);
      session.off("ended", onEnded);
      signal.removeEventListener("abort", onAbort);
      resolve(result);
    };
    const onEnded = (reason: SessionEndReason, detail?: string) => finish({ reason, detail: detail ?? "" });
    const onAbort = () => finish("aborted");
    session.on("reconnecting", onReconnecting);
    session.on("reconnected", onReconnected);
    session.once("ended", onEnded);
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
  });
}
