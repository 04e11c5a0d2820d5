// The worker's side of the state file: status changes are written at once, traffic counters at most once a second.
import type { Env } from "../../home";
import {
  initialState,
  nextState,
  writeState,
  type PoolMemberState,
  type TunnelState,
  type TunnelStatus,
} from "../state";

export interface Counters {
  connections: number;
  activeConnections: number;
  bytesIn: number;
  bytesOut: number;
  sessions?: PoolMemberState[];
}

export class StateWriter {
  private state: TunnelState;
  private timer?: NodeJS.Timeout;
  private counters?: () => Counters;

  constructor(
    private readonly env: Env,
    id: string,
    fields: Partial<TunnelState>,
    private readonly now: () => Date = () => new Date(),
    private readonly statsIntervalMs = 1000,
  ) {
    this.state = initialState(id, now(), { pid: process.pid, ...fields });
    this.write();
  }

  get current(): TunnelState {
    return this.state;
  }

  get status(): TunnelStatus {
    return this.state.status;
  }

  /** Applies and writes a change immediately (with the latest counters). */
  update(change: Partial<TunnelState>): void {
    this.state = nextState(this.state, { ...this.counters?.(), ...change }, this.now());
    this.write();
  }

  /** Counters are sampled from the live session; written only when they changed. */
  trackCounters(read: () => Counters): void {
    this.counters = read;
    if (this.timer) return;
    this.timer = setInterval(() => {
      const c = read();
      const s = this.state;
      if (
        c.bytesIn !== s.bytesIn ||
        c.bytesOut !== s.bytesOut ||
        c.connections !== s.connections ||
        c.activeConnections !== s.activeConnections ||
        JSON.stringify(c.sessions) !== JSON.stringify(s.sessions)
      ) {
        this.update({});
      }
    }, this.statsIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private write(): void {
    try {
      writeState(this.env, this.state);
    } catch {
      // A full disk must not kill the tunnel; the next change tries again.
    }
  }
}
