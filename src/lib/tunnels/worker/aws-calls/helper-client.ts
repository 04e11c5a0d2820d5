// The worker's side of its AWS helper: a child process (`stormtunnel aws-helper`, the same program as the worker)
// started when a call is needed and let go after a short idle time. The SDK it loads (~15 MB resident) goes with
// it, so an idle tunnel holds only what it uses: the listener and the data channels.
import { spawn, type ChildProcess } from "node:child_process";
import type { Env } from "../../../home";
import type { AwsCalls } from "./calls";
import { fromWire, type Answer, type Operation, type Request } from "./wire";

export interface AwsHelperOptions {
  /** Program and script that run `stormtunnel` (the worker's own: resolveWorkerCommand). */
  command: string[];
  env: Env;
  /** The helper exits this long after its last answer. */
  idleMs?: number;
  log?: (line: string) => void;
}

function aborted(): Error {
  return Object.assign(new Error("The operation was aborted"), { name: "AbortError" });
}

interface Pending {
  onProgress?: (p: unknown) => void;
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

export class AwsHelper {
  private child?: ChildProcess;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private idle?: NodeJS.Timeout;
  private closed = false;
  /** Helper processes started so far (the bench and tests read it). */
  started = 0;
  readonly calls: AwsCalls;

  constructor(private readonly o: AwsHelperOptions) {
    this.calls = {
      startSession: (target, input, signal) => this.call("startSession", [target, input], signal),
      resumeSession: (target, sessionId, signal) => this.call("resumeSession", [target, sessionId], signal),
      terminateSession: (target, sessionId) => this.call("terminateSession", [target, sessionId]),
      refreshToken: (group, token, endpoints) => this.call("refreshToken", [group, token, endpoints]),
      login: (group, options, onProgress, signal) =>
        this.call("login", [group, options], signal, onProgress as (p: unknown) => void),
      warm: () => {
        if (this.closed || this.child) return;
        this.spawn();
        this.idleSoon();
      },
      close: () => this.close(),
    };
  }

  /** Whether a helper process is up now. */
  get running(): boolean {
    return this.child !== undefined;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  private call(
    op: Operation,
    args: unknown[],
    signal?: AbortSignal,
    onProgress?: (p: unknown) => void,
  ): Promise<never> {
    if (this.closed) return Promise.reject(new Error("the worker is stopping"));
    if (signal?.aborted) return Promise.reject(aborted());
    if (this.idle) clearTimeout(this.idle);
    const child = this.child ?? this.spawn();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        child.send({ id, cancel: true } satisfies Request, () => undefined);
        this.settle(id, undefined, aborted());
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.pending.set(id, {
        onProgress,
        resolve: (v) => {
          signal?.removeEventListener("abort", onAbort);
          resolve(v as never);
        },
        reject: (err) => {
          signal?.removeEventListener("abort", onAbort);
          reject(err);
        },
      });
      child.send({ id, op, args } satisfies Request, (err) => {
        if (err) this.settle(id, undefined, new Error(`AWS helper unreachable: ${err.message}`));
      });
    });
  }

  private spawn(): ChildProcess {
    const [program, ...rest] = this.o.command;
    const child = spawn(program, [...rest, "aws-helper"], {
      env: this.o.env as NodeJS.ProcessEnv,
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      serialization: "json",
    });
    this.child = child;
    this.started += 1;
    child.on("message", (m: Answer) => {
      if ("progress" in m) return this.pending.get(m.id)?.onProgress?.(m.progress);
      if ("error" in m) this.settle(m.id, undefined, fromWire(m.error));
      else this.settle(m.id, m.result ?? undefined);
    });
    child.on("error", (err) => this.lost(child, `could not start the AWS helper: ${err.message}`));
    child.on("exit", (code, signal) => this.lost(child, `the AWS helper exited (${signal ?? `code ${code}`})`));
    // The helper must not keep a stopping worker alive, nor outlive it (it exits when the channel closes).
    child.channel?.unref();
    return child;
  }

  private settle(id: number, value: unknown, err?: Error): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    if (err) p.reject(err);
    else p.resolve(value);
    if (this.pending.size === 0) this.idleSoon();
  }

  /** With nothing to answer, the helper goes: at once when closed, else after the idle time. */
  private idleSoon(): void {
    if (this.idle) clearTimeout(this.idle);
    if (this.closed) return this.stopChild();
    this.idle = setTimeout(() => this.stopChild(), this.o.idleMs ?? 15_000);
    this.idle.unref();
  }

  private lost(child: ChildProcess, why: string): void {
    if (this.child !== child) return;
    this.child = undefined;
    const waiting = [...this.pending.keys()];
    if (waiting.length) this.o.log?.(why);
    // A network-like failure: the caller retries, and the next call starts a new helper.
    for (const id of waiting) this.settle(id, undefined, Object.assign(new Error(why), { code: "ECONNRESET" }));
  }

  private stopChild(): void {
    const child = this.child;
    if (!child || this.pending.size > 0) return;
    this.child = undefined;
    child.disconnect?.();
  }

  /** No new calls; the helper goes once the calls under way are answered (or with the worker, finishing them). */
  private close(): void {
    this.closed = true;
    if (this.idle) clearTimeout(this.idle);
    this.stopChild();
  }
}
