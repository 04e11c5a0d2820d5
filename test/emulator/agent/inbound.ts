// What the agent receives from the client: the to-agent message faults, then the receive rules of §7.3 for
// input_stream_data (acked after processing, out-of-order input buffered and acked, duplicates re-acked).
import type { WebSocket } from "ws";
import { decodeMessage, MessageType, type ClientMessage } from "../../../src/lib/ssm/message";
import type { Outbound } from "./outbound";
import type { SharedState } from "./shared";
import type { SessionStats } from "./stats";

const INCOMING_CAPACITY = 100_000;

/** "acked" means the handler sent the ack itself (handshake order). */
export type Handled = "ok" | "acked" | "not-ready" | "terminate";

/** The parts of the session the inbound side reads. */
export interface InboundSession {
  readonly id: string;
  readonly stats: SessionStats;
  readonly ended: boolean;
  log(operation: string, details?: Record<string, unknown>): void;
  end(reason: string, output: string): void;
}

export interface InboundHandlers {
  /** An ack or stream data arrived (it resumes a paused publication, §13.4). */
  heard(messageType: string): void;
  /** The client acked one of our messages. */
  acknowledged(m: ClientMessage): void;
  /** The next stream message in sequence order. */
  handle(m: ClientMessage): Handled;
}

export class Inbound {
  private readonly incoming = new Map<number, ClientMessage>();
  private inExpected = 0;
  private heldInbound?: { ws: WebSocket; data: Buffer };
  /** Sequence numbers of input_stream_data seen on the wire (for stats.clientRetransmits). */
  private readonly arrived = new Set<number>();

  constructor(
    private readonly session: InboundSession,
    private readonly shared: SharedState,
    private readonly outbound: Outbound,
    private readonly handlers: InboundHandlers,
  ) {}

  /** A binary frame after OpenDataChannelInput. */
  receive(ws: WebSocket, data: Buffer): void {
    const { stats } = this.session;
    const decoded = agentDecode(data);
    if (!decoded) {
      stats.rejectedFrames++;
      this.session.log("frame-rejected", { length: data.length });
      return;
    }
    if (decoded.messageType === MessageType.InputStreamData) {
      // Counted on arrival, before any fault: the same sequence number twice on the wire is the client resending.
      if (this.arrived.has(decoded.sequenceNumber)) stats.clientRetransmits++;
      else this.arrived.add(decoded.sequenceNumber);
    }
    const kind = decoded.messageType === MessageType.Acknowledge ? "ack" : "stream";
    const fault = this.shared.faults.take("to-agent", this.session.id, kind);
    if (fault) {
      stats.faultsApplied++;
      this.session.log("fault", {
        direction: "to-agent",
        action: fault.action,
        seq: decoded.sequenceNumber,
        type: decoded.messageType,
      });
      switch (fault.action) {
        case "drop":
          return;
        case "duplicate":
          this.process(decoded);
          this.process(agentDecode(data)!);
          return;
        case "delay":
          setTimeout(() => !this.session.ended && this.process(decoded), fault.delayMs ?? 100).unref();
          return;
        case "reorder":
          this.holdInbound(ws, data);
          return;
      }
    }
    this.process(decoded);
    this.releaseInbound();
  }

  private process(m: ClientMessage): void {
    if (this.session.ended) return;
    if (m.messageType === MessageType.Acknowledge || m.messageType === MessageType.InputStreamData) {
      this.handlers.heard(m.messageType);
    }
    if (m.messageType === MessageType.Acknowledge) {
      this.handlers.acknowledged(m);
      return;
    }
    if (m.messageType !== MessageType.InputStreamData) {
      this.session.log("message-ignored", { type: m.messageType });
      return;
    }
    const { stats } = this.session;
    stats.messagesIn++;
    if (m.sequenceNumber === this.inExpected) {
      const result = this.handlers.handle(m);
      if (result === "not-ready") return; // no ack, no advance: the client retransmits
      if (result === "ok") this.outbound.sendAck(m);
      this.inExpected++;
      this.drainIncoming();
      if (result === "terminate") this.endLater();
    } else if (m.sequenceNumber > this.inExpected) {
      if (this.incoming.size >= INCOMING_CAPACITY) return;
      if (!this.incoming.has(m.sequenceNumber)) {
        this.incoming.set(m.sequenceNumber, m);
        stats.outOfOrderBuffered++;
      }
      this.outbound.sendAck(m); // acked on buffering
    } else {
      stats.duplicatesReacked++;
      this.outbound.sendAck(m); // unlike the official client, the agent re-acks duplicates
    }
  }

  private drainIncoming(): void {
    for (let next = this.incoming.get(this.inExpected); next; next = this.incoming.get(this.inExpected)) {
      const result = this.handlers.handle(next);
      if (result === "not-ready") return;
      this.incoming.delete(this.inExpected);
      this.inExpected++;
      if (result === "terminate") this.endLater();
    }
  }

  /** Flag 2 ends the session on the next turn, after its ack has been sent. */
  private endLater(): void {
    setImmediate(() => this.session.end("TerminateSession flag", ""));
  }

  private holdInbound(ws: WebSocket, data: Buffer): void {
    this.releaseInbound();
    this.heldInbound = { ws, data };
    setTimeout(() => this.releaseInbound(), 200).unref();
  }

  private releaseInbound(): void {
    const held = this.heldInbound;
    this.heldInbound = undefined;
    const m = held && agentDecode(held.data);
    if (m && !this.session.ended) this.process(m);
  }
}

/** The agent checks HL, type and CreatedDate only, not the digest (§4.2). */
export function agentDecode(frame: Buffer): ClientMessage | undefined {
  const r = decodeMessage(frame, false);
  return r.ok ? r.message : undefined;
}
