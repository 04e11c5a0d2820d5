// Ordering of the agent's output_stream_data (ssm-protocol.md §7.3), with the fixes of §15:
// duplicates are re-acked, out-of-order messages are acked when buffered, in-order ones after delivery.
import { PayloadType, type ClientMessage } from "../message";

export const INCOMING_BUFFER_CAPACITY = 10_000;
/** Also bounded in bytes: ~7 000 of the agent's 1 KiB messages, yet no flood of large frames can grow it further. */
export const INCOMING_BUFFER_BYTES = 8 * 1024 * 1024;

export interface InboundActions {
  /** Hand the message to the layer above; false = not ready, so it is neither acked nor consumed. */
  deliver(m: ClientMessage): boolean;
  ack(m: ClientMessage): void;
}

export class InboundSequencer {
  expected = 0;
  private pending = new Map<number, ClientMessage>();
  private pendingBytes = 0;

  constructor(private readonly actions: InboundActions) {}

  receive(m: ClientMessage): void {
    const seq = m.sequenceNumber;
    if (seq < this.expected) {
      this.actions.ack(m); // its ack was lost; without this the agent resends it forever (§15 item 4)
      return;
    }
    if (seq > this.expected) {
      if (this.pending.has(seq)) return this.actions.ack(m);
      const full =
        this.pending.size >= INCOMING_BUFFER_CAPACITY || this.pendingBytes + m.payload.length > INCOMING_BUFFER_BYTES;
      if (full) return; // unacked: the agent retransmits it later
      this.pending.set(seq, m);
      this.pendingBytes += m.payload.length;
      this.actions.ack(m);
      return;
    }
    if (isHandshake(m)) {
      this.actions.ack(m); // handshake messages: ack first, then handle (§7.3, §8)
      this.actions.deliver(m);
    } else {
      if (!this.actions.deliver(m)) return;
      this.actions.ack(m);
    }
    this.expected += 1;
    this.drain();
  }

  /** Delivers buffered successors (already acked when they were buffered); call again once a refusal is over. */
  drain(): void {
    for (let next = this.pending.get(this.expected); next; next = this.pending.get(this.expected)) {
      if (!this.actions.deliver(next)) return;
      this.pending.delete(this.expected);
      this.pendingBytes -= next.payload.length;
      this.expected += 1;
    }
  }

  get buffered(): number {
    return this.pending.size;
  }

  get bufferedBytes(): number {
    return this.pendingBytes;
  }
}

function isHandshake(m: ClientMessage): boolean {
  return (
    m.payloadType === PayloadType.HandshakeRequest ||
    m.payloadType === PayloadType.HandshakeComplete ||
    m.payloadType === PayloadType.EncChallengeRequest
  );
}
