// The tunnel's session pool: up to `sessions` Session Manager sessions to the same target behind one listener, so
// parallel connections are not all paced through one session. New local connections go to the least-loaded
// connected member; each member resumes and reconnects on its own; a member that ends takes only its own connections
// and is replaced with backoff; a member AWS refuses (AccessDenied, throttling, a quota) shrinks the pool instead of
// failing the tunnel. The pool ends when its last live member has ended: then recovery opens the next first session.
import type { Socket } from "node:net";
import { abortableSleep } from "../../abortable-sleep";
import { backoffDelay } from "../../ssm/channel/backoff";
import { poolSize } from "../definition";
import type { PoolMemberState, PoolMemberStatus } from "../state";
import type { WorkerContext } from "./context";
import { memberVerdict } from "./errors";
import { startSession, type LiveSession } from "./open-session";
import { describeEnd } from "./recover";
import type { SessionEndReason } from "./session-backend";
import { terminateSession } from "./stop";

export type PoolEnd = { reason: SessionEndReason; detail: string; sessionId: string } | "aborted";

interface Slot {
  /** 1-based, as `status` shows it. */
  index: number;
  status: PoolMemberStatus;
  live?: LiveSession;
  lastError?: string;
  /** Consecutive failed opens and short-lived sessions: drives the backoff. */
  failures: number;
}

export class SessionPool {
  readonly ended: Promise<PoolEnd>;
  private readonly slots: Slot[];
  private readonly controller = new AbortController();
  private loops: Promise<void>[] = [];
  private finish!: (end: PoolEnd) => void;
  private readonly onAbort = () => this.end("aborted");

  constructor(private readonly ctx: WorkerContext) {
    const size = poolSize(ctx.def);
    this.slots = Array.from({ length: size }, (_, i) => ({ index: i + 1, status: "opening", failures: 0 }));
    this.ended = new Promise((resolve) => (this.finish = resolve));
    if (ctx.signal.aborted) this.onAbort();
    else ctx.signal.addEventListener("abort", this.onAbort, { once: true });
  }

  get closed(): boolean {
    return this.controller.signal.aborted;
  }

  /** The first member is already open (recovery's business); the pool opens the others. */
  start(first: LiveSession): void {
    this.ctx.traffic.add(first);
    this.ctx.traffic.members = () => this.rows();
    this.loops = this.slots.map((slot, i) => this.run(slot, i === 0 ? first : undefined));
  }

  /** Stops opening and replacing members; resolves once no open is under way (sessions it opened are closed). */
  async close(): Promise<void> {
    this.end("aborted");
    this.ctx.signal.removeEventListener("abort", this.onAbort);
    await Promise.all(this.loops);
  }

  rows(): PoolMemberState[] {
    return this.slots.map((s) => {
      const stats = s.live?.session.stats;
      return {
        slot: s.index,
        status: s.status,
        ...(s.live ? { sessionId: s.live.sessionId } : {}),
        activeConnections: stats?.activeConnections ?? 0,
        connections: stats?.connections ?? 0,
        bytesIn: stats?.bytesIn ?? 0,
        bytesOut: stats?.bytesOut ?? 0,
        ...(s.lastError && s.status !== "connected" ? { lastError: s.lastError } : {}),
      };
    });
  }

  /** The listener's handler: the least-loaded connected member takes the socket; none → the listener holds it. */
  private readonly handOver = (socket: Socket): boolean => {
    const ready = this.ready().sort(
      (a, b) => a.live!.session.stats.activeConnections - b.live!.session.stats.activeConnections || a.index - b.index,
    );
    return ready.some((slot) => slot.live!.session.handleConnection(socket));
  };

  private ready(): Slot[] {
    return this.slots.filter((s) => s.status === "connected" && s.live);
  }

  private end(end: PoolEnd): void {
    if (this.closed) return;
    this.controller.abort();
    this.ctx.traffic.members = undefined;
    this.finish(end);
  }

  /** A slot's life: open (unless given its first session), serve until the session ends, replace it, and again. */
  private async run(slot: Slot, first?: LiveSession): Promise<void> {
    let live = first;
    while (!this.closed) {
      live ??= await this.open(slot);
      if (!live) return;
      const servedMs = await this.serve(slot, live);
      live = undefined;
      if (this.closed || servedMs === undefined) return;
      if (!this.ctx.def.autoReconnect) {
        slot.status = "ended";
        slot.lastError = `${slot.lastError ?? "the session ended"} (auto-reconnect is off)`;
        this.changed();
        return;
      }
      // A member that served retry.healthyAfterMs was healthy: its replacement starts the backoff afresh.
      slot.failures = servedMs >= this.ctx.retry.healthyAfterMs ? 1 : slot.failures + 1;
      slot.status = "waiting";
      this.changed();
      await abortableSleep(this.delay(slot.failures), this.controller.signal);
    }
  }

  /** A new member, or undefined when the pool closed or AWS refused it for good. */
  private async open(slot: Slot): Promise<LiveSession | undefined> {
    const { log, def } = this.ctx;
    while (!this.closed) {
      slot.status = "opening";
      this.changed();
      try {
        const live = await startSession(this.ctx);
        if (!this.closed) return live;
        void terminateSession(this.ctx, live, 0);
        return undefined;
      } catch (err) {
        if (this.closed) return undefined;
        const verdict = memberVerdict(err);
        slot.failures += 1;
        slot.lastError = verdict.message;
        const of = `pool member ${slot.index} of ${poolSize(def)}`;
        if (verdict.kind === "refused") {
          slot.status = "refused";
          log(`${of} refused, the pool runs without it: ${verdict.message}`);
          this.changed();
          return undefined;
        }
        const delay = this.delay(verdict.kind === "later" ? Infinity : slot.failures);
        slot.status = verdict.kind === "later" ? "refused" : "waiting";
        log(`${of} could not open (${verdict.message}); trying again in ${Math.round(delay / 1000)} s`);
        this.changed();
        await abortableSleep(delay, this.controller.signal);
      }
    }
    return undefined;
  }

  /** Serves one member until its session ends (ms it served) or the pool closes (undefined). */
  private serve(slot: Slot, live: LiveSession): Promise<number | undefined> {
    const { session, sessionId } = live;
    const { traffic, log } = this.ctx;
    if (slot.index > 1) log(`pool member ${slot.index}: session ${sessionId}, agent ${live.agentVersion}`);
    traffic.add(live);
    slot.live = live;
    slot.status = "connected";
    slot.lastError = undefined;
    const since = Date.now();
    return new Promise((resolve) => {
      const onReconnecting = () => this.mark(slot, "reconnecting");
      const onReconnected = () => this.mark(slot, "connected");
      const onConnectionError = (err: Error) => this.connectionError(err);
      const onEnded = (reason: SessionEndReason, detail?: string) => {
        cleanup();
        traffic.retire(live);
        slot.live = undefined;
        slot.lastError = describeEnd(reason, detail ?? "");
        if (!this.slots.some((s) => s.live)) this.end({ reason, detail: detail ?? "", sessionId });
        else {
          log(`pool member ${slot.index}: session ${sessionId} ended (${reason}): ${slot.lastError}`);
          this.changed();
        }
        resolve(Date.now() - since);
      };
      const onClose = () => {
        cleanup();
        resolve(undefined);
      };
      const cleanup = () => {
        session.off("reconnecting", onReconnecting);
        session.off("reconnected", onReconnected);
        session.off("connection-error", onConnectionError);
        session.off("ended", onEnded);
        this.controller.signal.removeEventListener("abort", onClose);
      };
      if (this.closed) return onClose();
      session.on("reconnecting", onReconnecting);
      session.on("reconnected", onReconnected);
      session.on("connection-error", onConnectionError);
      session.once("ended", onEnded);
      this.controller.signal.addEventListener("abort", onClose, { once: true });
      this.changed();
    });
  }

  private mark(slot: Slot, status: PoolMemberStatus): void {
    if (!slot.live) return;
    slot.status = status;
    this.changed();
  }

  /** Backoff before the next open of a slot; Infinity = a refusal that may pass (throttling): the longest wait. */
  private delay(attempt: number): number {
    const { retry, random } = this.ctx;
    return backoffDelay({ ...retry, budgetMs: Infinity }, Math.min(attempt, 30), random);
  }

  /** The tunnel is up but its destination refused one connection (e.g. the database is down): say so. */
  private connectionError(err: Error): void {
    const { def, log, writer } = this.ctx;
    const where = def.remoteHost ? `${def.remoteHost}:${def.remotePort}` : `port ${def.remotePort} on ${def.target}`;
    log(`a connection to ${where} failed: ${err.message}`);
    if (writer.status === "connected") {
      writer.update({ lastError: `The instance could not connect to ${where}: ${err.message}` });
    }
  }

  /**
   * After any member change: the listener takes connections while a member is connected (and holds them while
   * none is), and the tunnel's status follows: connected while any member is, reconnecting while all resume.
   */
  private changed(): void {
    if (this.closed) return;
    const { listener, writer, authWatch } = this.ctx;
    const ready = this.ready();
    if (ready.length > 0) listener.attach(this.handOver);
    else listener.detach();
    const sessionId = ready[0]?.live?.sessionId ?? writer.current.sessionId;
    if (ready.length === 0 && writer.status === "connected") {
      writer.update({ status: "reconnecting", lastError: "connection to Session Manager lost; resuming" });
    } else if (ready.length > 0 && writer.status === "reconnecting") {
      writer.update({
        status: authWatch.needsSignIn ? "auth-required" : "connected",
        lastError: authWatch.needsSignIn ? writer.current.lastError : undefined,
        sessionId,
      });
    } else writer.update({ sessionId });
  }
}
