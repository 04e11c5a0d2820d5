// The client's side of reliability (ssm-protocol.md §7): sequence numbers, the unacked buffer, and
// retransmission of its oldest entry. Survives socket changes: the channel just says when it can write.
import { every, type Clock } from "../clock";
import { encodeMessage, MessageType } from "../message";
import { OutboundBuffer, type OutboundEntry } from "./outbound";
import { RtoEstimator } from "./rto";

const RESEND_TICK_MS = 100; // §7.4 ResendSleepInterval

export interface SenderOptions {
  clock: Clock;
  /** MessageIds for tests; by default encodeMessage writes random ones. */
  newId?: () => string;
  log: (line: string) => void;
  /** Unacked bytes above which `writable` turns false; "drain" fires at half of it. */
  highWaterBytes: number;
  onDrain: () => void;
}

export class ReliableSender {
  private readonly outbound = new OutboundBuffer();
  readonly rto = new RtoEstimator();
  private nextSeq = 0;
  private socket?: (frame: Buffer) => void;
  private stopTick?: () => void;
  private aboveHighWater = false;
  private readonly ackWaiters = new Map<number, (acked: boolean) => void>();

  constructor(private readonly o: SenderOptions) {}

  /** Numbers, buffers and (if a socket is up) sends an input_stream_data message; returns its seq. */
  send(payloadType: number, payload: Buffer): number {
    const seq = this.nextSeq++;
    const frame = encodeMessage({
      messageType: MessageType.InputStreamData,
      schemaVersion: 1,
      createdDate: this.o.clock.now(),
      sequenceNumber: seq,
      flags: 0n,
      messageId: this.o.newId?.(),
      payloadType,
      payload,
    });
    const entry = this.outbound.add(seq, frame);
    if (this.outbound.bytes >= this.o.highWaterBytes) this.aboveHighWater = true;
    if (this.socket) this.write(entry);
    return seq;
  }

  /** A socket is ready: everything unacked goes out again, in order, then the resend timer runs. */
  attach(write: (frame: Buffer) => void): void {
    this.socket = write;
    for (const entry of this.outbound.all()) this.write(entry);
  }

  /** The socket is gone: keep everything, send nothing until attach(). */
  detach(): void {
    this.socket = undefined;
    this.stopTick?.();
    this.stopTick = undefined;
  }

  /** An ack: only its sequence number matters (§7.2). */
  acked(seq: number): void {
    const entry = this.outbound.ack(seq);
    if (!entry) return;
    if (entry.firstSentAt !== undefined) this.rto.sample(this.o.clock.now() - entry.firstSentAt);
    this.ackWaiters.get(seq)?.(true);
    this.ackWaiters.delete(seq);
    if (this.aboveHighWater && this.outbound.bytes <= this.o.highWaterBytes / 2) {
      this.aboveHighWater = false;
      this.o.onDrain();
    }
  }

  /** Resolves true once `seq` is acked, false after `timeoutMs` or when the sender stops. */
  waitForAck(seq: number, timeoutMs: number): Promise<boolean> {
    if (!this.outbound.has(seq)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const t = this.o.clock.setTimeout(() => {
        this.ackWaiters.delete(seq);
        resolve(false);
      }, timeoutMs);
      this.ackWaiters.set(seq, (acked) => {
        this.o.clock.clearTimeout(t);
        resolve(acked);
      });
    });
  }

  stop(): void {
    this.detach();
    for (const w of this.ackWaiters.values()) w(false);
    this.ackWaiters.clear();
  }

  get writable(): boolean {
    return this.outbound.bytes < this.o.highWaterBytes;
  }

  get unackedBytes(): number {
    return this.outbound.bytes;
  }

  private write(entry: OutboundEntry): void {
    const now = this.o.clock.now();
    entry.firstSentAt ??= now;
    entry.lastSentAt = now;
    this.socket?.(entry.frame);
    this.stopTick ??= every(this.o.clock, RESEND_TICK_MS, () => this.resendTick());
  }

  /** Only the oldest unacked message, once per (backed-off) RTO; the send time is stored back (§15 item 5). */
  private resendTick(): void {
    const head = this.outbound.head();
    if (!head || !this.socket) {
      this.stopTick?.();
      this.stopTick = undefined;
      return;
    }
    if (head.lastSentAt !== undefined && this.o.clock.now() - head.lastSentAt < this.rto.backoff(head.resends)) return;
    head.resends += 1;
    this.o.log(`resending seq ${head.seq} (resend ${head.resends}, rto ${Math.round(this.rto.rto)} ms)`);
    this.write(head);
  }
}
