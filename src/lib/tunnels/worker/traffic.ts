// The tunnel's traffic across sessions: the live sessions' counters plus everything earlier sessions carried. It also
// knows which sessions are live now: the ones stop() terminates.
import type { PoolMemberState } from "../state";
import type { OpenedSession } from "./session-backend";
import type { Counters } from "./state-writer";

export class Traffic {
  private readonly totals = { connections: 0, bytesIn: 0, bytesOut: 0 };
  private readonly sessions = new Set<OpenedSession>();
  /** The pool's rows while a pool serves the listener. */
  members?: () => PoolMemberState[];

  /** Sessions open on AWS now (serving, resuming or just opened), oldest first. */
  get live(): OpenedSession[] {
    return [...this.sessions];
  }

  add(session: OpenedSession): void {
    this.sessions.add(session);
  }

  counters(): Counters {
    const c = { ...this.totals, activeConnections: 0 };
    for (const { session } of this.sessions) {
      c.connections += session.stats.connections;
      c.activeConnections += session.stats.activeConnections;
      c.bytesIn += session.stats.bytesIn;
      c.bytesOut += session.stats.bytesOut;
    }
    return { ...c, sessions: this.members?.() };
  }

  /** A session ended (or was terminated): its counters join the totals. */
  retire(opened: OpenedSession): void {
    if (!this.sessions.delete(opened)) return;
    const s = opened.session.stats;
    this.totals.connections += s.connections;
    this.totals.bytesIn += s.bytesIn;
    this.totals.bytesOut += s.bytesOut;
  }
}
