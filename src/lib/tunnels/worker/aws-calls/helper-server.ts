// The helper process's side: answers the worker's AWS calls over the IPC channel with `directAwsCalls` (cancelling one
// when the worker gives up on it), and exits as soon as the worker lets go of it (or dies).
import { directAwsCalls, type AwsCalls } from "./calls";
import { OPERATIONS, toWire, type Answer, type Request } from "./wire";

/** Which calls take an abort signal, and where it goes in their arguments. */
const SIGNAL_AT: Partial<Record<keyof AwsCalls, number>> = { startSession: 2, resumeSession: 2 };

export function serveAwsCalls(calls: AwsCalls = directAwsCalls): Promise<void> {
  return new Promise((resolve) => {
    const running = new Map<number, AbortController>();
    const send = (answer: Answer) => process.send?.(answer);
    process.on("message", (m: Request) => {
      if ("cancel" in m) return running.get(m.id)?.abort();
      if (!OPERATIONS.includes(m.op)) return send({ id: m.id, error: toWire(new Error(`unknown call ${m.op}`)) });
      const controller = new AbortController();
      running.set(m.id, controller);
      const args = [...m.args];
      const at = SIGNAL_AT[m.op];
      if (at !== undefined) args[at] = controller.signal;
      const run = calls[m.op] as (...args: unknown[]) => Promise<unknown>;
      run(...args)
        .then(
          (result) => send({ id: m.id, result: result ?? null }),
          (err: unknown) => send({ id: m.id, error: toWire(err) }),
        )
        .finally(() => running.delete(m.id));
    });
    process.once("disconnect", () => resolve());
  });
}
