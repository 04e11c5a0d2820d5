// One Session Manager session as "MGS + agent" see it. State lives per SESSION, not per socket: counters, the unacked
// buffer, the out-of-order buffer and the port plugin survive a reconnect with a new token (ssm-protocol.md §12).
import type { Socket } from "node:net";
import { randomUUID } from "node:crypto";
import type { WebSocket } from "ws";
import { ackedSequence, encodeAck } from "../../../src/lib/ssm/ack";
import {
  decodeMessage,
  encodeMessage,
  Flag,
  flagPayload,
  MessageType,
  newMessage,
  PayloadType,
  type ClientMessage,
} from "../../../src/lib/ssm/message";
import type { EmulatorContext } from "../context";
import type { SessionRegistry, SsmSession } from "../ssm/sessions";
import { BasicPlugin } from "./basic";
import { resolveDestination } from "./destination";
import type { FaultTable } from "./faults";
import { MuxPlugin } from "./mux";
import { OutgoingBuffer, RESEND_TICK_MS } from "./outgoing";
import type { PluginHost, PortPlugin } from "./plugin";
import { OutputPump } from "./pump";
import { WriteBatch } from "../../../src/lib/ssm/channel/write-batch";
import { chooseMode } from "./versions";

export const IDLE_TIMEOUT_OUTPUT = "Your session timed out due to inactivity and has been terminated.";
const INCOMING_CAPACITY = 100_000;
const HIGH_WATER = 1 << 20;
/** smux MaxReceiveBuffer: past it the agent stops reading the data channel (head-of-line blocking, §10.3). */
const RECEIVE_BUFFER = 4 * 1024 * 1024;
const LOW_WATER = 256 << 10;

export interface AgentTiming {
  keepAliveIntervalMs: number;
  keepAliveTimeoutMs: number;
  handshakeTimeoutMs: number;
}

export interface SessionStats {
  /** input_stream_data frames received (duplicates included). */
  messagesIn: number;
  /** output_stream_data first transmissions. */
  messagesOut: number;
  retransmissions: number;
  duplicatesReacked: number;
  outOfOrderBuffered: number;
  acksSent: number;
  acksReceived: number;
  acksWithheld: number;
  /** Output payload bytes delivered to the plugin / sent to the client. */
  bytesIn: number;
  bytesOut: number;
  faultsApplied: number;
  rejectedFrames: number;
}

export interface OpenInfo {
  clientId?: string;
  requestId?: string;
  clientVersion?: string;
}

/** Switches shared by every session of one emulator (DataChannelControls writes them). */
export interface SharedState {
  faults: FaultTable;
  timing: AgentTiming;
  /** Ack suppression: by session id, "*" for all; a number counts down, Infinity holds until released. */
  withheldAcks: Map<string, number>;
  /** Close the socket after this many more output_stream_data transmissions. */
  closeAfter: Map<string, { remaining: number; abrupt: boolean }>;
}

export class AgentSession implements PluginHost {
  readonly sockets: WebSocket[] = [];
  readonly stats: SessionStats = {
    messagesIn: 0,
    messagesOut: 0,
    retransmissions: 0,
    duplicatesReacked: 0,
    outOfOrderBuffered: 0,
    acksSent: 0,
    acksReceived: 0,
    acksWithheld: 0,
    bytesIn: 0,
    bytesOut: 0,
    faultsApplied: 0,
    rejectedFrames: 0,
  };
  lastOpen: OpenInfo = {};
  clientVersion?: string;
  keepAlive = false;
  plugin?: PortPlugin;
  ended = false;

  private readonly outgoing = new OutgoingBuffer();
  private readonly incoming = new Map<number, ClientMessage>();
  private outSeq = 0;
  private inExpected = 0;
  private handshakeSentAt = 0;
  private lastStreamActivity: number;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly tracked = new Set<Socket>();
  private destinationsPaused = false;
  private readonly pump: OutputPump;
  /** One writev per event-loop turn instead of one per message and per ack. */
  private readonly batch = new WriteBatch();
  private heldInbound?: { ws: WebSocket; data: Buffer };
  private heldOutbound?: Buffer;
  /** pause_publication: no sending or retransmitting until start_publication or inbound data/ack (§13.4). */
  private paused = false;
  /** Inbound reading stopped because destinations are not draining. */
  private inboundBlocked = false;

  constructor(
    private readonly ctx: EmulatorContext,
    readonly ssm: SsmSession,
    private readonly registry: SessionRegistry,
    private readonly shared: SharedState,
  ) {
    this.lastStreamActivity = ctx.clock.now();
    this.pump = new OutputPump({
      canSend: () => !this.ended && !this.paused && this.currentSocket() !== undefined,
      pacing: () => ctx.knobs.pacing,
      sendOutput: (data) => this.sendStream(PayloadType.Output, data),
      sendFlag: (flag) => this.sendStream(PayloadType.Flag, flagPayload(flag)),
      drained: (queued) => this.backpressure(queued),
    });
    this.every(RESEND_TICK_MS, () => this.resendTick());
    this.scheduleIdleCheck();
  }

  get mode(): "handshake" | "basic" | "mux" {
    return this.plugin?.mode ?? "handshake";
  }

  get id(): string {
    return this.ssm.sessionId;
  }

  /** A socket that presented a valid token. The first one starts the handshake; later ones just resume. */
  attach(ws: WebSocket, open: OpenInfo): void {
    this.lastOpen = open;
    this.sockets.push(ws);
    this.log("open", {
      clientId: open.clientId,
      requestId: open.requestId,
      clientVersion: open.clientVersion,
      sockets: this.sockets.length,
    });
    ws.on("close", (code, reason) => {
      const i = this.sockets.indexOf(ws);
      if (i >= 0) this.sockets.splice(i, 1);
      this.log("socket-closed", { code, reason: reason.toString(), sockets: this.sockets.length });
    });
    if (this.inboundBlocked) ws.pause();
    if (this.outSeq === 0) this.startHandshake();
    else this.pump.kick(); // publication resumes now that a client is back
  }

  /** A frame after OpenDataChannelInput. */
  onFrame(ws: WebSocket, data: Buffer, isBinary: boolean): void {
    if (this.ended) return;
    if (!isBinary) {
      this.log("text-frame-ignored");
      return;
    }
    const decoded = agentDecode(data);
    if (!decoded) {
      this.stats.rejectedFrames++;
      this.log("frame-rejected", { length: data.length });
      return;
    }
    const kind = decoded.messageType === MessageType.Acknowledge ? "ack" : "stream";
    const fault = this.shared.faults.take("to-agent", this.id, kind);
    if (fault) {
      this.stats.faultsApplied++;
      this.log("fault", {
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
          setTimeout(() => !this.ended && this.process(decoded), fault.delayMs ?? 100).unref();
          return;
        case "reorder":
          this.holdInbound(ws, data);
          return;
      }
    }
    this.process(decoded);
    this.releaseInbound();
  }

  /** Ends the session: channel_closed to the client, destinations closed, sockets closed. */
  terminate(output: string): void {
    if (this.ended) return;
    this.ended = true;
    this.log("channel-closed", { output, reason: this.ssm.endReason });
    const payload = {
      MessageId: randomUUID(),
      CreatedDate: new Date().toISOString(),
      DestinationId: this.ssm.target,
      SessionId: this.id,
      MessageType: MessageType.ChannelClosed,
      SchemaVersion: 1,
      Output: output,
    };
    const bytes = encodeMessage(
      newMessage({ messageType: MessageType.ChannelClosed, flags: 3n, payload: Buffer.from(JSON.stringify(payload)) }),
    );
    for (const ws of [...this.sockets]) {
      if (ws.readyState === ws.OPEN) this.batch.send(ws, bytes);
      this.batch.flush(); // batched output first, then channel_closed, then the close frame
      ws.close(1000, "");
    }
    this.dispose();
  }

  /** Releases timers and destination sockets (emulator shutdown or session end). */
  dispose(): void {
    this.ended = true;
    for (const t of this.timers) clearInterval(t);
    this.timers.length = 0;
    this.plugin?.close();
    this.pump.clear();
    this.outgoing.clear();
  }

  closeSockets(abrupt: boolean): number {
    const n = this.sockets.length;
    for (const ws of [...this.sockets]) {
      this.log("close-socket", { abrupt });
      this.batch.flush();
      if (abrupt) ws.terminate();
      else ws.close(1000, "Bye");
    }
    return n;
  }

  /** MGS pauses or resumes the agent; the message also goes to the client, which must ignore it. */
  setPublication(paused: boolean): void {
    this.paused = paused;
    const messageType = paused ? MessageType.PausePublication : MessageType.StartPublication;
    this.log(messageType);
    this.write(encodeMessage(newMessage({ messageType, flags: 3n })));
    if (!paused) this.pump.kick();
  }

  // ---- PluginHost -------------------------------------------------------------------------------------------------

  emitBytes(data: Buffer): void {
    this.pump.pushBytes(data);
    this.backpressure(this.pump.queuedBytes);
  }

  emitFlag(flag: number): void {
    this.pump.pushFlag(flag);
  }

  end(reason: string, output: string): void {
    this.registry.end(this.id, reason, output);
  }

  destination() {
    return resolveDestination(this.ctx.directory, this.ssm);
  }

  track(socket: Socket): void {
    this.tracked.add(socket);
    if (this.destinationsPaused) socket.pause();
  }

  untrack(socket: Socket): void {
    this.tracked.delete(socket);
  }

  destinationDrained(): void {
    this.checkInboundBackpressure();
  }

  log(operation: string, details?: Record<string, unknown>): void {
    this.ctx.log({
      service: "data-channel",
      operation,
      method: "WS",
      path: `/v1/data-channel/${this.id}`,
      status: 101,
      request: details,
    });
  }

  // ---- handshake --------------------------------------------------------------------------------------------------

  private startHandshake(): void {
    const request = {
      AgentVersion: this.ctx.knobs.agentVersion,
      RequestedClientActions: [
        {
          ActionType: "SessionType",
          ActionParameters: { SessionType: "Port", Properties: { ...this.ssm.properties } },
        },
      ],
    };
    this.handshakeSentAt = Date.now();
    this.log("handshake-request", { agentVersion: request.AgentVersion });
    this.sendStream(PayloadType.HandshakeRequest, Buffer.from(JSON.stringify(request)));
    const timer = setTimeout(() => {
      if (!this.plugin && !this.ended) {
        this.end(
          "handshake timeout",
          "Handshake timed out. Please ensure that you have the latest version of the session manager plugin.",
        );
      }
    }, this.shared.timing.handshakeTimeoutMs);
    timer.unref();
    this.timers.push(timer);
  }

  private onHandshakeResponse(m: ClientMessage): void {
    let response: { ClientVersion?: string; ProcessedClientActions?: { ActionType?: string; ActionStatus?: number }[] };
    try {
      response = JSON.parse(m.payload.toString("utf8"));
    } catch {
      response = {};
    }
    this.clientVersion = response.ClientVersion ?? "";
    const complete = () =>
      this.sendStream(
        PayloadType.HandshakeComplete,
        Buffer.from(
          JSON.stringify({ HandshakeTimeToComplete: (Date.now() - this.handshakeSentAt) * 1e6, CustomerMessage: "" }),
        ),
      );
    // The ack must precede HandshakeComplete (§14 step 3) unless the test asks for the order that breaks the official client.
    if (this.ctx.knobs.reversedHandshakeOrder) {
      complete();
      this.sendAck(m);
    } else {
      this.sendAck(m);
      complete();
    }
    const failed = (response.ProcessedClientActions ?? []).find((a) => a.ActionStatus !== 1);
    if (failed) {
      this.log("handshake-failed", { action: failed.ActionType, status: failed.ActionStatus });
      this.end("client failed a handshake action", `Handshake failed: action ${failed.ActionType} was not processed.`);
      return;
    }
    const choice = chooseMode(this.ctx.knobs.agentVersion, this.clientVersion, this.ssm.properties.type);
    this.keepAlive = choice.keepAlive;
    this.log("handshake-complete", {
      clientVersion: this.clientVersion,
      mode: choice.mode,
      keepAlive: choice.keepAlive,
    });
    if (choice.mode === "mux") {
      const mux = new MuxPlugin(this);
      this.plugin = mux;
      if (choice.keepAlive) this.startKeepAlive(mux);
    } else {
      this.plugin = new BasicPlugin(this);
    }
  }

  private startKeepAlive(mux: MuxPlugin): void {
    const { keepAliveIntervalMs, keepAliveTimeoutMs } = this.shared.timing;
    this.every(keepAliveIntervalMs, () => mux.sendNop());
    this.every(keepAliveTimeoutMs, () => {
      if (mux.framesSinceCheck === 0) {
        this.log("keepalive-timeout", { silentMs: Date.now() - mux.lastInboundFrame });
        this.end("smux keepalive timeout", "");
      }
      mux.framesSinceCheck = 0;
    });
  }

  // ---- reliability ------------------------------------------------------------------------------------------------

  private process(m: ClientMessage): void {
    if (this.ended) return;
    if (this.paused && (m.messageType === MessageType.Acknowledge || m.messageType === MessageType.InputStreamData)) {
      this.paused = false;
      this.log("publication-resumed", { by: m.messageType });
      this.pump.kick();
    }
    if (m.messageType === MessageType.Acknowledge) {
      const seq = ackedSequence(m);
      if (seq !== undefined && this.outgoing.ack(seq, Date.now())) this.stats.acksReceived++;
      this.pump.kick();
      return;
    }
    if (m.messageType !== MessageType.InputStreamData) {
      this.log("message-ignored", { type: m.messageType });
      return;
    }
    this.stats.messagesIn++;
    if (m.sequenceNumber === this.inExpected) {
      const result = this.handle(m);
      if (result === "not-ready") return; // no ack, no advance: the client retransmits
      if (result === "ok") this.sendAck(m);
      this.inExpected++;
      this.drainIncoming();
      if (result === "terminate") setImmediate(() => this.end("TerminateSession flag", ""));
    } else if (m.sequenceNumber > this.inExpected) {
      if (this.incoming.size >= INCOMING_CAPACITY) return;
      if (!this.incoming.has(m.sequenceNumber)) {
        this.incoming.set(m.sequenceNumber, m);
        this.stats.outOfOrderBuffered++;
      }
      this.sendAck(m); // acked on buffering
    } else {
      this.stats.duplicatesReacked++;
      this.sendAck(m); // unlike the official client, the agent re-acks duplicates
    }
  }

  private drainIncoming(): void {
    for (let next = this.incoming.get(this.inExpected); next; next = this.incoming.get(this.inExpected)) {
      const result = this.handle(next);
      if (result === "not-ready") return;
      this.incoming.delete(this.inExpected);
      this.inExpected++;
      if (result === "terminate") setImmediate(() => this.end("TerminateSession flag", ""));
    }
  }

  /** "acked" means the handler sent the ack itself (handshake order). */
  private handle(m: ClientMessage): "ok" | "acked" | "not-ready" | "terminate" {
    this.lastStreamActivity = this.ctx.clock.now();
    if (!this.plugin) {
      if (m.payloadType === PayloadType.HandshakeResponse) {
        this.onHandshakeResponse(m);
        return "acked";
      }
      return "ok"; // other stream data is ignored while the handshake is in progress, and counts as processed
    }
    if (m.payloadType === PayloadType.Output) {
      if (!this.plugin.input(m.payload)) return "not-ready";
      this.stats.bytesIn += m.payload.length;
      this.checkInboundBackpressure();
      return "ok";
    }
    if (m.payloadType === PayloadType.Flag && m.payload.length >= 4) {
      const flag = m.payload.readUInt32BE(0);
      this.log("flag", { flag, seq: m.sequenceNumber });
      if (flag === Flag.TerminateSession) {
        this.sendAck(m);
        return "terminate";
      }
      this.plugin.flag(flag);
    }
    return "ok";
  }

  private sendAck(m: ClientMessage): void {
    const key = this.shared.withheldAcks.has(this.id) ? this.id : this.shared.withheldAcks.has("*") ? "*" : undefined;
    if (key !== undefined) {
      const left = this.shared.withheldAcks.get(key)! - 1;
      if (left <= 0) this.shared.withheldAcks.delete(key);
      else this.shared.withheldAcks.set(key, left);
      this.stats.acksWithheld++;
      this.log("ack-withheld", { seq: m.sequenceNumber });
      return;
    }
    this.stats.acksSent++;
    this.transmit(encodeAck(m, Date.now()), "ack");
  }

  private sendStream(payloadType: number, payload: Buffer): void {
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
    this.stats.messagesOut++;
    if (payloadType === PayloadType.Output) this.stats.bytesOut += payload.length;
    this.lastStreamActivity = this.ctx.clock.now();
    this.transmit(bytes, "stream");
    this.countTowardsClose();
  }

  private resendTick(): void {
    if (this.ended || this.paused || !this.currentSocket()) return; // also paused while no client is connected
    const due = this.outgoing.due(Date.now());
    if (!due) return;
    this.stats.retransmissions++;
    this.log("retransmit", { seq: due.seq, rtoMs: Math.round(this.outgoing.rto) });
    this.transmit(due.bytes, "stream");
  }

  /** One frame to the client, through the outbound faults. */
  private transmit(bytes: Buffer, kind: "stream" | "ack"): void {
    const fault = this.shared.faults.take("to-client", this.id, kind);
    if (fault) {
      this.stats.faultsApplied++;
      this.log("fault", { direction: "to-client", action: fault.action, kind });
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

  private write(bytes: Buffer): void {
    const ws = this.currentSocket();
    if (ws && !this.ended) this.batch.send(ws, bytes);
  }

  private flushHeldOutbound(): void {
    const held = this.heldOutbound;
    this.heldOutbound = undefined;
    if (held) this.write(held);
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
    if (m && !this.ended) this.process(m);
  }

  private countTowardsClose(): void {
    const key = this.shared.closeAfter.has(this.id) ? this.id : this.shared.closeAfter.has("*") ? "*" : undefined;
    if (key === undefined) return;
    const rule = this.shared.closeAfter.get(key)!;
    rule.remaining--;
    if (rule.remaining > 0) return;
    this.shared.closeAfter.delete(key);
    this.closeSockets(rule.abrupt);
  }

  private currentSocket(): WebSocket | undefined {
    for (let i = this.sockets.length - 1; i >= 0; i--) {
      if (this.sockets[i].readyState === this.sockets[i].OPEN) return this.sockets[i];
    }
    return undefined;
  }

  private backpressure(queued: number): void {
    if (!this.destinationsPaused && queued > HIGH_WATER) {
      this.destinationsPaused = true;
      for (const s of this.tracked) s.pause();
    } else if (this.destinationsPaused && queued < LOW_WATER) {
      this.destinationsPaused = false;
      for (const s of this.tracked) s.resume();
    }
  }

  /** Like the agent blocked in a write: stop reading every client socket until destinations drain. */
  private checkInboundBackpressure(): void {
    const buffered = this.plugin?.buffered() ?? 0;
    if (!this.inboundBlocked && buffered > RECEIVE_BUFFER) {
      this.inboundBlocked = true;
      this.log("inbound-blocked", { buffered });
      for (const ws of this.sockets) ws.pause();
    } else if (this.inboundBlocked && buffered <= RECEIVE_BUFFER / 2) {
      this.inboundBlocked = false;
      this.log("inbound-resumed", { buffered });
      for (const ws of this.sockets) ws.resume();
    }
  }

  private scheduleIdleCheck(): void {
    // The knob can change at runtime and the emulator clock can jump, so compare on a short tick.
    this.every(250, () => {
      const idleMs = this.ctx.knobs.idleTimeoutSeconds * 1000;
      if (this.ctx.clock.now() - this.lastStreamActivity >= idleMs) {
        this.log("idle-timeout", { idleTimeoutSeconds: this.ctx.knobs.idleTimeoutSeconds });
        this.end("idle timeout", IDLE_TIMEOUT_OUTPUT);
      }
    });
  }

  private every(ms: number, fn: () => void): void {
    const t = setInterval(fn, ms);
    t.unref();
    this.timers.push(t);
  }
}

/** The agent checks HL, type and CreatedDate only, not the digest (§4.2). */
export function agentDecode(frame: Buffer): ClientMessage | undefined {
  const r = decodeMessage(frame, false);
  return r.ok ? r.message : undefined;
}
