// The tunnel's traffic across sessions: the live session's counters plus everything earlier sessions carried. It also
// names the session that is live now, the one stop() terminates.
import type { Counters } from "./state-writer";
import type { OpenedSession } from "./session-backend";

export class Traffic {
  private readonly totals = { connections: 0, bytesIn: 0, bytesOut: 0 };
  /** The session serving the listener now, if any. */
  current?: OpenedSession;

  counters(): Counters {
    const s = this.current?.session.stats;
    return {
      connections: this.totals.connections + (s?.connections ?? 0),
      activeConnections: s?.activeConnections ?? 0,
      bytesIn: this.totals.bytesIn + (s?.bytesIn ?? 0),
      bytesOut: this.totals.bytesOut + (s?.bytesOut ?? 0),
    };
  }

  /** The live session ended: its counters join the totals. */
  retire(): void {
    const s = this.current?.session.stats;
    if (s) {
      this.totals.connections += s.connections;
      this.totals.bytesIn += s.bytesIn;
      this.totals.bytesOut += s.bytesOut;
    }
    this.current = undefined;
  }
}
