// The helper process's side: answers the worker's AWS calls over the IPC channel with `directAwsCalls` (cancelling one
// when the worker gives up on it), and exits once the worker lets go of it (or exits). Calls under way then are
// finished first: a stopping worker leaves within its second and its TerminateSession calls still reach AWS.
import { directAwsCalls, type AwsCalls } from "./calls";
import { OPERATIONS, toWire, type Answer, type Request } from "./wire";

/** How long calls under way may still take once the worker is gone. */
const FINISH_MS = 10_000;

/** Which calls take an abort signal, and where it goes in their arguments. */
const SIGNAL_AT: Partial<Record<keyof AwsCalls, number>> = { startSession: 2, resumeSession: 2, login: 3 };

export function serveAwsCalls(calls: AwsCalls = directAwsCalls): Promise<void> {
  return new Promise((resolve) => {
    const running = new Map<number, AbortController>();
    const settled = new Set<Promise<unknown>>();
    const send = (answer: Answer) => {
      if (process.connected) process.send?.(answer);
    };
    process.on("message", (m: Request) => {
      if ("cancel" in m) return running.get(m.id)?.abort();
      if (!OPERATIONS.includes(m.op)) return send({ id: m.id, error: toWire(new Error(`unknown call ${m.op}`)) });
      const controller = new AbortController();
      running.set(m.id, controller);
      const args = [...m.args];
      const at = SIGNAL_AT[m.op];
      if (at !== undefined) args[at] = controller.signal;
      if (m.op === "login") args[2] = (progress: unknown) => send({ id: m.id, progress });
      const run = calls[m.op] as (...args: unknown[]) => Promise<unknown>;
      const done: Promise<unknown> = run(...args)
        .then(
          (result) => send({ id: m.id, result: result ?? null }),
          (err: unknown) => send({ id: m.id, error: toWire(err) }),
        )
        .finally(() => {
          running.delete(m.id);
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
