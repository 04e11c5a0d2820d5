// The tunnel worker (`stormtunnel tunnel run <id>`): one process per tunnel, its state file the single truth the CLI
// and Raycast read. Phases: prepare once; then sign in → open session → serve, with recover deciding after every
// end or failure whether and when to go again; stop when told to (SIGTERM) or when recovery gives up.
import type { WorkerOptions } from "./options";
import { openSession } from "./open-session";
import { prepare } from "./prepare";
import { Recovery } from "./recover";
import { serve } from "./serve";
import { SignIn } from "./sign-in";
import { stop } from "./stop";

export type { WorkerOptions } from "./options";

export async function runTunnelWorker(o: WorkerOptions): Promise<number> {
  const ctx = await prepare(o);
  if (typeof ctx === "number") return ctx;
  const signIn = new SignIn(ctx);
  const recovery = new Recovery(ctx, signIn);
  while (!ctx.signal.aborted) {
    try {
      await signIn.ensureToken();
      ctx.writer.update({ status: recovery.everConnected ? "reconnecting" : "connecting", login: undefined });
      const live = await openSession(ctx);
      signIn.succeeded();
      recovery.opened();
      const end = await serve(ctx, live);
      if (end === "aborted" || !(await recovery.afterEnd(end, end.sessionId))) break;
    } catch (err) {
      if (ctx.signal.aborted || !(await recovery.afterFailure(err))) break;
    }
  }
  await stop(ctx);
  return ctx.writer.status === "error" ? 1 : 0;
}
