// One Session Manager session as "MGS + agent" see it. State lives per SESSION, not per socket: counters, the unacked
// buffer, the out-of-order buffer and the port plugin survive a reconnect with a new token (ssm-protocol.md §12).
// This file is the session's lifecycle; the wire directions, the handshake and the plugins live next to it.
import type { Socket } from "node:net";
import type { WebSocket } from "ws";
import {
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
import { channelClosedFrame } from "./channel-closed";
import { resolveDestination } from "./destination";
import { Handshake } from "./handshake";
import { Inbound, type Handled } from "./inbound";
import { Outbound } from "./outbound";
import { RESEND_TICK_MS } from "./outgoing";
import type { PluginHost, PortPlugin } from "./plugin";
import { OutputPump } from "./pump";
import type { SharedState } from "./shared";
import { newSessionStats } from "./stats";
import { SessionTimers } from "./timers";

export type { AgentTiming, SharedState } from "./shared";
export type { SessionStats } from "./stats";
export { agentDecode } from "./inbound";

export const IDLE_TIMEOUT_OUTPUT = "Your session timed out due to inactivity and has been terminated.";
const HIGH_WATER = 1 << 20;
/** smux MaxReceiveBuffer: past it the agent stops reading the data channel (head-of-line blocking, §10.3). */
const RECEIVE_BUFFER = 4 * 1024 * 1024;
const LOW_WATER = 256 << 10;

export interface OpenInfo {
  clientId?: string;
  requestId?: string;
  clientVersion?: string;
}

export class AgentSession implements PluginHost {
  readonly sockets: WebSocket[] = [];
  readonly stats = newSessionStats();
  lastOpen: OpenInfo = {};
  clientVersion?: string;
  keepAlive = false;
  plugin?: PortPlugin;
  ended = false;

  private lastStreamActivity: number;
  private readonly timers: SessionTimers;
  private readonly tracked = new Set<Socket>();
  private destinationsPaused = false;
  private readonly outbound: Outbound;
  private readonly inbound: Inbound;
  private readonly handshake: Handshake;
  private readonly pump: OutputPump;
  /** Inbound reading stopped because destinations are not draining. */
  private inboundBlocked = false;

  constructor(
    private readonly ctx: EmulatorContext,
    readonly ssm: SsmSession,
    private readonly registry: SessionRegistry,
    shared: SharedState,
  ) {
    this.timers = new SessionTimers(ctx.clock);
    this.lastStreamActivity = ctx.clock.now();
    this.outbound = new Outbound(this, shared, () => (this.lastStreamActivity = ctx.clock.now()));
    this.inbound = new Inbound(this, shared, this.outbound, {
      heard: (by) => this.resumePublication(by),
      acknowledged: (m) => {
        this.outbound.acknowledged(m);
        this.pump.kick();
      },
      handle: (m) => this.handle(m),
    });
    this.handshake = new Handshake(this, ctx, shared, this.outbound, this.timers);
    this.pump = new OutputPump({
      canSend: () => !this.ended && !this.outbound.paused && this.outbound.currentSocket() !== undefined,
      pacing: () => ctx.knobs.pacing,
      sendOutput: (data) => this.outbound.sendStream(PayloadType.Output, data),
      sendFlag: (flag) => this.outbound.sendStream(PayloadType.Flag, flagPayload(flag)),
      paced: (ms) => {
        this.stats.pacingSleeps++;
        this.stats.pacedMs += ms;
      },
      drained: (queued) => this.backpressure(queued),
    });
    this.timers.every(RESEND_TICK_MS, () => this.outbound.resendTick());
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
    if (this.outbound.fresh) this.handshake.start();
    else this.pump.kick(); // publication resumes now that a client is back
  }

  /** A frame after OpenDataChannelInput. */
  onFrame(ws: WebSocket, data: Buffer, isBinary: boolean): void {
    if (this.ended) return;
    if (!isBinary) {
      this.log("text-frame-ignored");
      return;
    }
    this.inbound.receive(ws, data);
  }

  /** Ends the session: channel_closed to the client, destinations closed, sockets closed. */
  terminate(output: string): void {
    if (this.ended) return;
    this.ended = true;
    this.log("channel-closed", { output, reason: this.ssm.endReason });
    const bytes = channelClosedFrame(this.ssm, output);
    for (const ws of [...this.sockets]) {
      if (ws.readyState === ws.OPEN) this.outbound.sendTo(ws, bytes);
      this.outbound.flush(); // batched output first, then channel_closed, then the close frame
      ws.close(1000, "");
    }
    this.dispose();
  }

  /** Releases timers and destination sockets (emulator shutdown or session end). */
  dispose(): void {
    this.ended = true;
    this.timers.clear();
    this.plugin?.close();
    this.pump.clear();
    this.outbound.clear();
  }

  closeSockets(abrupt: boolean): number {
    const n = this.sockets.length;
    for (const ws of [...this.sockets]) {
      this.log("close-socket", { abrupt });
      this.outbound.flush();
      if (abrupt) ws.terminate();
      else ws.close(1000, "Bye");
    }
    return n;
  }

  /** Out-of-order Output messages the client can only buffer (Outbound.flood). */
  flood(frames: number, bytes: number, corrupt?: boolean): void {
    this.outbound.flood(frames, bytes, corrupt);
  }

  /** MGS pauses or resumes the agent; the message also goes to the client, which must ignore it. */
  setPublication(paused: boolean): void {
    this.outbound.paused = paused;
    const messageType = paused ? MessageType.PausePublication : MessageType.StartPublication;
    this.log(messageType);
    this.outbound.write(encodeMessage(newMessage({ messageType, flags: 3n })));
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

  // ---- inbound stream data, in sequence order ------------------------------------------------------------------------

  private handle(m: ClientMessage): Handled {
    this.lastStreamActivity = this.ctx.clock.now();
    if (!this.plugin) {
      if (m.payloadType === PayloadType.HandshakeResponse) {
        this.handshake.onResponse(m);
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
        this.outbound.sendAck(m);
        return "terminate";
      }
      this.plugin.flag(flag);
    }
    return "ok";
  }

  /** Inbound data or an ack ends a pause_publication (§13.4). */
  private resumePublication(by: string): void {
    if (!this.outbound.paused) return;
    this.outbound.paused = false;
    this.log("publication-resumed", { by });
    this.pump.kick();
  }

  // ---- flow control and idle timeout -------------------------------------------------------------------------------

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
    this.timers.every(250, () => {
      const idleMs = this.ctx.knobs.idleTimeoutSeconds * 1000;
      if (this.ctx.clock.now() - this.lastStreamActivity >= idleMs) {
        this.log("idle-timeout", { idleTimeoutSeconds: this.ctx.knobs.idleTimeoutSeconds });
        this.end("idle timeout", IDLE_TIMEOUT_OUTPUT);
      }
    });
  }
}
