// The agent's unacked output_stream_data and its RTO estimator (ssm-protocol.md §7.4–7.6).

export const RESEND_TICK_MS = 100;
const DEFAULT_RTO_MS = 200;
const DEFAULT_SRTT_MS = 100;
const CLOCK_GRANULARITY_MS = 10;
const MAX_RTO_MS = 1000;
/** The agent stops buffering (but still sends once) beyond this many messages. */
export const OUTGOING_CAPACITY = 100_000;

export interface Unacked {
  seq: number;
  bytes: Buffer;
  lastSentTime: number;
}

export class OutgoingBuffer {
  /** By sequence number; insertion order is send order, so the first entry is the oldest (O(1) ack and head). */
  private readonly entries = new Map<number, Unacked>();
  srtt = DEFAULT_SRTT_MS;
  rttvar = 0;
  rto = DEFAULT_RTO_MS;

  get size(): number {
    return this.entries.size;
  }

  add(entry: Unacked): boolean {
    if (this.entries.size >= OUTGOING_CAPACITY) return false;
    this.entries.set(entry.seq, entry);
    return true;
  }

  /** Removes the entry the ack names (only the sequence number counts) and updates the estimator. */
  ack(seq: number, now: number): boolean {
    const e = this.entries.get(seq);
    if (!e) return false;
    this.entries.delete(seq);
    const r = Math.max(0, now - e.lastSentTime);
    this.rttvar = 0.75 * this.rttvar + 0.25 * Math.abs(this.srtt - r);
    this.srtt = 0.875 * this.srtt + 0.125 * r;
    this.rto = Math.min(MAX_RTO_MS, this.srtt + Math.max(CLOCK_GRANULARITY_MS, 4 * this.rttvar));
    return true;
  }

  /** The head entry if its RTO has passed; its LastSentTime is stored back, so it is resent once per RTO. */
  due(now: number): Unacked | undefined {
    const head = this.entries.values().next().value;
    if (!head || now - head.lastSentTime <= this.rto) return undefined;
    head.lastSentTime = now;
    return head;
  }

  clear(): void {
    this.entries.clear();
  }
}
