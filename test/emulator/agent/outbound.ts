// What the agent sends to the client: numbered output_stream_data kept until acked and resent once per RTO
// (ssm-protocol.md §7.5–7.6), acks unless a test withholds them, and the to-client message faults.
import type { WebSocket } from "ws";
import { ackedSequence, encodeAck } from "../../../src/lib/ssm/ack";
import { encodeMessage, MessageType, PayloadType, type ClientMessage } from "../../../src/lib/ssm/message";
import { WriteBatch } from "../../../src/lib/ssm/channel/write-batch";
import { OutgoingBuffer } from "./outgoing";
import { ruleKey, type SharedState } from "./shared";
import type { SessionStats } from "./stats";

/** The parts of the session the outbound side reads. */
export interface OutboundSession {
  readonly id: string;
  readonly sockets: readonly WebSocket[];
  readonly stats: SessionStats;
  readonly ended: boolean;
  log(operation: string, details?: Record<string, unknown>): void;
  closeSockets(abrupt: boolean): number;
}

/** flood(): far enough ahead that the session's own numbering never reaches these sequence numbers. */
const FLOOD_SEQ_GAP = 1_000_000_000;

export class Outbound {
  /** pause_publication: no sending or retransmitting until start_publication or inbound data/ack (§13.4). */
  paused = false;
  private readonly outgoing = new OutgoingBuffer();
  private outSeq = 0;
  /** One writev per event-loop turn instead of one per message and per ack. */
  private readonly batch = new WriteBatch();
  private heldOutbound?: Buffer;
  private readonly floodSeqs = new Set<number>();

  constructor(
    private readonly session: OutboundSession,
    private readonly shared: SharedState,
    /** Output counts as stream activity for the idle timeout. */
    private readonly streamActivity: () => void,
  ) {}

  /** Nothing sent yet: the first socket starts the handshake, later ones resume. */
  get fresh(): boolean {
    return this.outSeq === 0;
  }

  sendStream(payloadType: number, payload: Buffer): void {
    const seq = this.outSeq++;
    const bytes = encodeMessage({
      messageType: MessageType.OutputStreamData,
      schemaVersion: 1,
      createdDate: Date.now(),
      sequenceNumber: seq,
      flags: seq === 0 ? 1n : 0n,
      payloadType,
      payload,
    });
    this.outgoing.add({ seq, bytes, lastSentTime: Date.now() });
    this.session.stats.messagesOut++;
    if (payloadType === PayloadType.Output) {
      this.session.stats.bytesOut += payload.length;
      this.session.stats.largestOutput = Math.max(this.session.stats.largestOutput, payload.length);
    }
    this.streamActivity();
    this.transmit(bytes, "stream");
    this.countTowardsClose();
  }

  sendAck(m: ClientMessage): void {
    const { stats } = this.session;
    const key = ruleKey(this.shared.withheldAcks, this.session.id);
    if (key !== undefined) {
      const left = this.shared.withheldAcks.get(key)! - 1;
      if (left <= 0) this.shared.withheldAcks.delete(key);
      else this.shared.withheldAcks.set(key, left);
      stats.acksWithheld++;
      this.session.log("ack-withheld", { seq: m.sequenceNumber });
      return;
    }
    stats.acksSent++;
    this.transmit(encodeAck(m, Date.now()), "ack");
  }

  /** The client acked one of ours: only the sequence number counts (§7.2). */
  acknowledged(m: ClientMessage): void {
    const seq = ackedSequence(m);
    if (seq === undefined) return;
    if (this.outgoing.ack(seq, Date.now())) this.session.stats.acksReceived++;
    else if (this.floodSeqs.delete(seq)) this.session.stats.floodAcked++;
  }

  /**
   * `frames` Output messages of `bytes` each, numbered far beyond anything this session will send, so they can only
   * sit in the client's reorder buffer (never delivered, never resent). What the client acks is counted (floodAcked).
   */
  flood(frames: number, bytes: number, corrupt = false): void {
    const payload = Buffer.alloc(bytes, 0x66);
    for (let i = 0; i < frames; i++) {
      const seq = this.outSeq + FLOOD_SEQ_GAP + i;
      this.floodSeqs.add(seq);
      const frame = encodeMessage({
        messageType: MessageType.OutputStreamData,
        schemaVersion: 1,
        createdDate: Date.now(),
        sequenceNumber: seq,
        flags: 0n,
        payloadType: PayloadType.Output,
        payload,
      });
      if (corrupt) frame[80] ^= 0xff; // a PayloadDigest that does not match: the client must drop it (§4.2)
      this.write(frame);
    }
    this.session.log("flood", { frames, bytes, corrupt });
  }

  resendTick(): void {
    if (this.session.ended || this.paused || !this.currentSocket()) return; // also paused while no client is connected
    const due = this.outgoing.due(Date.now());
    if (!due) return;
    this.session.stats.retransmissions++;
    this.session.log("retransmit", { seq: due.seq, rtoMs: Math.round(this.outgoing.rto) });
    this.transmit(due.bytes, "stream");
  }

  /** Unnumbered control frames (publication) skip the faults. */
  write(bytes: Buffer): void {
    const ws = this.currentSocket();
    if (ws && !this.session.ended) this.batch.send(ws, bytes);
  }

  /** Straight to one socket, ended or not (channel_closed). */
  sendTo(ws: WebSocket, bytes: Buffer): void {
    this.batch.send(ws, bytes);
  }

  /** Batched output goes out before whatever the caller does next to the socket. */
  flush(): void {
    this.batch.flush();
  }

  clear(): void {
    this.outgoing.clear();
  }

  currentSocket(): WebSocket | undefined {
    const { sockets } = this.session;
    for (let i = sockets.length - 1; i >= 0; i--) {
      if (sockets[i].readyState === sockets[i].OPEN) return sockets[i];
    }
    return undefined;
  }

  /** One frame to the client, through the outbound faults. */
  private transmit(bytes: Buffer, kind: "stream" | "ack"): void {
    const fault = this.shared.faults.take("to-client", this.session.id, kind);
    if (fault) {
      this.session.stats.faultsApplied++;
      this.session.log("fault", { direction: "to-client", action: fault.action, kind });
      switch (fault.action) {
        case "drop":
          return;
        case "duplicate":
          this.write(bytes);
          this.write(bytes);
          return;
        case "delay":
          setTimeout(() => this.write(bytes), fault.delayMs ?? 100).unref();
          return;
        case "reorder":
          this.flushHeldOutbound();
          this.heldOutbound = bytes;
          setTimeout(() => this.flushHeldOutbound(), 200).unref();
          return;
      }
    }
    this.write(bytes);
    this.flushHeldOutbound();
  }

  private flushHeldOutbound(): void {
    const held = this.heldOutbound;
    this.heldOutbound = undefined;
    if (held) this.write(held);
  }

  /** closeSocketAfter: counts output_stream_data transmissions down to a mid-transfer close. */
  private countTowardsClose(): void {
    const key = ruleKey(this.shared.closeAfter, this.session.id);
    if (key === undefined) return;
    const rule = this.shared.closeAfter.get(key)!;
    rule.remaining--;
    if (rule.remaining > 0) return;
    this.shared.closeAfter.delete(key);
    this.session.closeSockets(rule.abrupt);
  }
}
