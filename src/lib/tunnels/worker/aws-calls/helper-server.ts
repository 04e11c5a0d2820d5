// The helper process's side: answers the worker's AWS calls over the IPC channel with `directAwsCalls` (cancelling one
// when the worker gives up on it; a StartSession is let answer and its session terminated), and exits once the worker lets go of it (or exits). Calls under way then are
// finished first: a stopping worker leaves within its second and its TerminateSession calls still reach AWS.
import type { StartedSessionCredentials } from "../../../ssm/session-api";
import { directAwsCalls, type AwsCalls, type SsmTarget } from "./calls";
import { OPERATIONS, toWire, type Answer, type Request } from "./wire";

/** How long calls under way may still take once the worker is gone. */
const FINISH_MS = 10_000;

/** Which calls take an abort signal, and where it goes in their arguments. */
const SIGNAL_AT: Partial<Record<keyof AwsCalls, number>> = { resumeSession: 2, login: 3 };

export function serveAwsCalls(calls: AwsCalls = directAwsCalls): Promise<void> {
  return new Promise((resolve) => {
    const running = new Map<number, AbortController>();
    /** StartSession calls the worker gave up on: AWS may still open the session, so it is terminated when it does. */
    const abandoned = new Set<number>();
    const starting = new Set<number>();
    const settled = new Set<Promise<unknown>>();
    const send = (answer: Answer) => {
      if (process.connected) process.send?.(answer);
    };
    process.on("message", (m: Request) => {
      if ("cancel" in m) {
        // Aborting StartSession here would only drop AWS's answer, not the session it creates: let it answer.
        if (starting.has(m.id)) return void abandoned.add(m.id);
        return running.get(m.id)?.abort();
      }
      if (!OPERATIONS.includes(m.op)) return send({ id: m.id, error: toWire(new Error(`unknown call ${m.op}`)) });
      const controller = new AbortController();
      running.set(m.id, controller);
      const args = [...m.args];
      const at = SIGNAL_AT[m.op];
      if (at !== undefined) args[at] = controller.signal;
      if (m.op === "login") args[2] = (progress: unknown) => send({ id: m.id, progress });
      const run = calls[m.op] as (...args: unknown[]) => Promise<unknown>;
      if (m.op === "startSession") starting.add(m.id);
      const done: Promise<unknown> = run(...args)
        .then(async (result) => {
          if (!abandoned.has(m.id)) return result;
          const { sessionId } = result as StartedSessionCredentials;
          await calls.terminateSession(m.args[0] as SsmTarget, sessionId).catch(() => undefined);
          throw Object.assign(new Error("The operation was aborted"), { name: "AbortError" });
        })
        .then(
          (result) => send({ id: m.id, result: result ?? null }),
          (err: unknown) => send({ id: m.id, error: toWire(err) }),
        )
        .finally(() => {
          running.delete(m.id);
          starting.delete(m.id);
          abandoned.delete(m.id);
          settled.delete(done);
        });
      settled.add(done);
    });
    process.once("disconnect", () => {
      // Messages read before the channel closed have started; let them finish (bounded), then go.
      const deadline = new Promise((r) => setTimeout(r, FINISH_MS).unref());
      void Promise.race([Promise.allSettled([...settled]), deadline]).then(() => resolve());
    });
  });
}
