// The client's unacked outgoing messages (ssm-protocol.md §7.1, §7.6). Nothing here is ever dropped
// before its ack arrives (§15 item 6): callers apply backpressure on `bytes` instead.

export interface OutboundEntry {
  seq: number;
  /** The encoded frame; a retransmission resends these identical bytes (§7.1). */
  frame: Buffer;
  /** When the frame was first written to a socket; undefined while it waits for a connection. */
  firstSentAt?: number;
  /** Stored back on every resend, unlike the official client (§7.6). */
  lastSentAt?: number;
  resends: number;
}

export class OutboundBuffer {
  private entries = new Map<number, OutboundEntry>(); // insertion order = seq order
  private total = 0;

  add(seq: number, frame: Buffer): OutboundEntry {
    const entry: OutboundEntry = { seq, frame, resends: 0 };
    this.entries.set(seq, entry);
    this.total += frame.length;
    return entry;
  }

  /** Removes the acked entry; only the sequence number matters (§7.2). */
  ack(seq: number): OutboundEntry | undefined {
    const entry = this.entries.get(seq);
    if (!entry) return undefined;
    this.entries.delete(seq);
    this.total -= entry.frame.length;
    return entry;
  }

  has(seq: number): boolean {
    return this.entries.has(seq);
  }

  head(): OutboundEntry | undefined {
    for (const e of this.entries.values()) return e;
    return undefined;
  }

  all(): IterableIterator<OutboundEntry> {
    return this.entries.values();
  }

  get size(): number {
    return this.entries.size;
  }

  /** Encoded bytes waiting for their ack. */
  get bytes(): number {
    return this.total;
  }
}
