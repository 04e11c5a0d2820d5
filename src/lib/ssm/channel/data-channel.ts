// The data channel (ssm-protocol.md §5, §7, §8, §12, §13): one WebSocket at a time, reliable ordered
// delivery on top, kept alive across socket drops with ResumeSession. No TCP, no smux here.
import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import { ackFor, decodeMessage, encodeMessage, Flag, flagPayload, MessageType, newMessage, parseAck } from "../message";
import { PayloadType, type ClientMessage } from "../message";
import { every, systemClock, type Clock } from "../clock";
import { DEFAULT_BACKOFF, type BackoffPolicy } from "./backoff";
import { answerHandshake, channelClosedOutput, openDataChannelInput, parseHandshakeComplete } from "./handshake";
import type { HandshakeInfo } from "./handshake";
import { InboundSequencer } from "./inbound";
import { OutboundBuffer, type OutboundEntry } from "./outbound";
import { Reconnector } from "./reconnector";
import { dialWebSocket, OPEN, toBuffer, type ChannelSocket, type Dial } from "./socket";
import { RtoEstimator } from "./rto";

export const STREAM_DATA_PAYLOAD_SIZE = 1024; // §7.4: what agents and MGS are known to handle
const RESEND_TICK_MS = 100;

export type EndReason = "channel_closed" | "resume-refused" | "terminated" | "error";

export interface DataChannelOptions {
  streamUrl: string;
  tokenValue: string;
  /** Generated once per process; the same on every reconnect (§5). */
  clientId: string;
  /** ResumeSession: the new TokenValue, or undefined when the session has ended. */
  resume: () => Promise<string | undefined>;
  dial?: Dial;
  clock?: Clock;
  random?: () => number;
  newId?: () => string;
  logger?: (line: string) => void;
  backoff?: Partial<BackoffPolicy>;
  /** WebSocket ping period (≤ 5 min, §5); a period with no inbound frame at all counts as a dead socket. */
  pingIntervalMs?: number;
  handshakeTimeoutMs?: number;
  /** Unacked bytes above which `writable` turns false; "drain" fires below half of it. */
  highWaterBytes?: number;
}

/** What the layer above (port forwarding) handles. */
export interface ChannelHandler {
  /** Output payload; false = not ready: it stays unacked (or buffered) until retryDelivery(). */
  output(payload: Buffer): boolean;
  flag(value: number): void;
}

export interface ReadyInfo extends HandshakeInfo {
  customerMessage: string;
}

type State = "idle" | "connecting" | "open" | "reconnecting" | "ended";

export class DataChannel extends EventEmitter {
  private readonly clock: Clock;
  private readonly log: (line: string) => void;
  private readonly newId: () => string;
  private readonly dial: Dial;
  private readonly highWater: number;
  private readonly outbound = new OutboundBuffer();
  private readonly inbound: InboundSequencer;
  private readonly rto = new RtoEstimator();
  private readonly reconnector: Reconnector;
  private state: State = "idle";
  private ws?: ChannelSocket;
  private wsReady = false;
  private token: string;
  private nextSeq = 0;
  private handler?: ChannelHandler;
  private info?: HandshakeInfo;
  private ready?: ReadyInfo;
  private aboveHighWater = false;
  private stopResend?: () => void;
  private stopPing?: () => void;
  private inboundSincePing = true;
  private ackWaiters = new Map<number, (acked: boolean) => void>();
  private everOpened = false;
  private opening?: { resolve: (r: ReadyInfo) => void; reject: (e: Error) => void };

  constructor(private readonly options: DataChannelOptions) {
    super();
    this.clock = options.clock ?? systemClock;
    this.log = options.logger ?? (() => undefined);
    this.newId = options.newId ?? randomUUID;
    this.dial = options.dial ?? dialWebSocket;
    this.highWater = options.highWaterBytes ?? 2 * 1024 * 1024;
    this.token = options.tokenValue;
    this.inbound = new InboundSequencer({ deliver: (m) => this.deliver(m), ack: (m) => this.sendAck(m) });
    this.reconnector = new Reconnector({
      policy: { ...DEFAULT_BACKOFF, ...options.backoff },
      clock: this.clock,
      random: options.random ?? Math.random,
      resume: options.resume,
      connect: (token) => {
        if (token) this.token = token;
        return this.connect(this.token);
      },
      onAttempt: (attempt, delayMs) => this.emit("reconnecting", attempt, delayMs),
      onConnected: () => this.onReconnected(),
      onGiveUp: (reason, detail) => this.end(reason, detail),
      log: this.log,
    });
  }

  /** Dials, handshakes and resolves once HandshakeComplete has arrived. */
  open(): Promise<ReadyInfo> {
    if (this.state !== "idle") throw new Error("data channel already opened");
    this.state = "connecting";
    const done = new Promise<ReadyInfo>((resolve, reject) => (this.opening = { resolve, reject }));
    const timeout = this.clock.setTimeout(
      () => this.opening && this.end("error", "no handshake from the agent"),
      this.options.handshakeTimeoutMs ?? 30_000,
    );
    void done.then(
      () => this.clock.clearTimeout(timeout),
      () => this.clock.clearTimeout(timeout),
    );
    void this.connect(this.token); // a failure is picked up by onSocketLost
    return done;
  }

  setHandler(handler: ChannelHandler): void {
    this.handler = handler;
    this.inbound.drain();
  }

  /** Call when a handler that refused a payload is ready again. */
  retryDelivery(): void {
    this.inbound.drain();
  }

  /** Local bytes as Output messages of ≤ 1024 B; queued, never dropped, while the socket is down. */
  sendOutput(data: Buffer): void {
    for (let at = 0; at < data.length; at += STREAM_DATA_PAYLOAD_SIZE) {
      this.sendStreamData(PayloadType.Output, data.subarray(at, at + STREAM_DATA_PAYLOAD_SIZE));
    }
  }

  /** Sends a Flag message and returns its sequence number (see waitForAck). */
  sendFlag(flag: number): number {
    return this.sendStreamData(PayloadType.Flag, flagPayload(flag));
  }

  /** Resolves true once `seq` is acked, false after `timeoutMs`. */
  waitForAck(seq: number, timeoutMs: number): Promise<boolean> {
    if (!this.outbound.has(seq)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const t = this.clock.setTimeout(() => {
        this.ackWaiters.delete(seq);
        resolve(false);
      }, timeoutMs);
      this.ackWaiters.set(seq, (acked) => {
        this.clock.clearTimeout(t);
        resolve(acked);
      });
    });
  }

  /** False while too much is unacked: stop reading local sockets until "drain". */
  get writable(): boolean {
    return this.outbound.bytes < this.highWater;
  }

  /** Current retransmission timeout (diagnostics). */
  get rtoMs(): number {
    return this.rto.rto;
  }

  get unackedBytes(): number {
    return this.outbound.bytes;
  }

  get ended(): boolean {
    return this.state === "ended";
  }

  /** Sends TerminateSession, waits briefly for its ack, then closes (§13.1). */
  async terminate(timeoutMs = 1500): Promise<void> {
    if (this.state === "ended") return;
    if (this.state === "open") await this.waitForAck(this.sendFlag(Flag.TerminateSession), timeoutMs);
    this.end("terminated", "terminated by the client");
  }

  /** Closes without telling the agent (the session may still be resumed by someone else). */
  close(reason: EndReason = "terminated", detail = "closed"): void {
    this.end(reason, detail);
  }

  private sendStreamData(payloadType: number, payload: Buffer): number {
    if (this.state === "ended") throw new Error("data channel has ended");
    const seq = this.nextSeq++;
    const m = newMessage({
      messageType: MessageType.InputStreamData,
      createdDate: this.clock.now(),
      sequenceNumber: seq,
      payloadType,
      payload,
      messageId: this.newId(),
    });
    const entry = this.outbound.add(seq, encodeMessage(m));
    if (this.outbound.bytes >= this.highWater) this.aboveHighWater = true;
    if (this.wsReady) this.write(entry);
    return seq;
  }

  private write(entry: OutboundEntry): void {
    const now = this.clock.now();
    entry.firstSentAt ??= now;
    entry.lastSentAt = now;
    this.ws?.send(entry.frame);
    this.stopResend ??= every(this.clock, RESEND_TICK_MS, () => this.resendTick());
  }

  /** Only the oldest unacked message, once per (backed-off) RTO; the send time is stored back (§15 item 5). */
  private resendTick(): void {
    const head = this.outbound.head();
    if (!head || !this.wsReady) {
      this.stopResend?.();
      this.stopResend = undefined;
      return;
    }
    const wait = this.rto.backoff(head.resends);
    if (head.lastSentAt !== undefined && this.clock.now() - head.lastSentAt < wait) return;
    head.resends += 1;
    this.log(`resending seq ${head.seq} (resend ${head.resends}, rto ${Math.round(this.rto.rto)} ms)`);
    this.write(head);
  }

  private sendAck(m: ClientMessage): void {
    if (!this.wsReady) return; // lost acks are harmless: the agent resends and we re-ack the duplicate
    const ack = ackFor(m);
    ack.createdDate = this.clock.now();
    ack.messageId = this.newId();
    this.ws?.send(encodeMessage(ack));
  }

  private connect(token: string): Promise<boolean> {
    return new Promise((resolve) => {
      let settled = false;
      const ws = this.dial(this.options.streamUrl);
      this.ws = ws;
      this.wsReady = false;
      ws.on("open", () => {
        if (this.ws !== ws) return;
        this.everOpened = true;
        ws.send(openDataChannelInput(this.newId(), token, this.options.clientId));
        ws.ping("keepalive");
        this.wsReady = true;
        this.inboundSincePing = true;
        this.stopPing = every(this.clock, this.options.pingIntervalMs ?? 60_000, () => this.pingTick(ws));
        settled = true;
        resolve(true);
        for (const entry of this.outbound.all()) this.write(entry); // retransmit everything unacked
      });
      ws.on("message", (data) => {
        if (this.ws !== ws) return;
        this.inboundSincePing = true;
        this.reconnector.healthy();
        this.onFrame(toBuffer(data));
      });
      ws.on("pong", () => (this.inboundSincePing = true));
      const lost = (why: string) => {
        if (!settled) {
          settled = true;
          resolve(false);
        }
        this.onSocketLost(ws, why);
      };
      ws.on("close", (code, reason) => lost(`socket closed (${code}${reason?.length ? ` ${reason}` : ""})`));
      ws.on("error", (err) => lost(`socket error: ${err.message}`));
    });
  }

  private pingTick(ws: ChannelSocket): void {
    if (this.ws !== ws || ws.readyState !== OPEN) return;
    if (!this.inboundSincePing) return this.onSocketLost(ws, "no pong or message for a whole ping period");
    this.inboundSincePing = false;
    ws.ping("keepalive");
  }

  private onSocketLost(ws: ChannelSocket, why: string): void {
    if (this.ws !== ws) return;
    this.ws = undefined;
    this.wsReady = false;
    this.stopTimers();
    ws.removeAllListeners();
    ws.on("error", () => undefined);
    ws.terminate();
    if (this.state === "ended") return;
    this.log(`data channel: ${why}`);
    if (this.state === "reconnecting") return; // the running reconnect loop tries again
    this.state = "reconnecting";
    this.reconnector.start(this.everOpened);
  }

  private onReconnected(): void {
    if (this.state !== "reconnecting") return;
    this.state = this.ready ? "open" : "connecting";
    this.emit("reconnected");
  }

  private onFrame(frame: Buffer): void {
    const decoded = decodeMessage(frame);
    if (!decoded.ok) return this.log(`dropped a malformed message: ${decoded.reason}`);
    const m = decoded.message;
    switch (m.messageType) {
      case MessageType.OutputStreamData:
        return this.inbound.receive(m);
      case MessageType.Acknowledge:
        return this.onAck(m);
      case MessageType.ChannelClosed:
        return this.end("channel_closed", channelClosedOutput(m.payload));
      case MessageType.StartPublication:
      case MessageType.PausePublication:
        return;
      default:
        this.log(`ignored a ${m.messageType} message`);
    }
  }

  private onAck(m: ClientMessage): void {
    const content = parseAck(m);
    if (!content) return this.log("ignored an unreadable acknowledge");
    const entry = this.outbound.ack(content.AcknowledgedMessageSequenceNumber);
    if (!entry) return;
    if (entry.firstSentAt !== undefined) this.rto.sample(this.clock.now() - entry.firstSentAt);
    this.ackWaiters.get(entry.seq)?.(true);
    this.ackWaiters.delete(entry.seq);
    if (this.aboveHighWater && this.outbound.bytes <= this.highWater / 2) {
      this.aboveHighWater = false;
      this.emit("drain");
    }
  }

  private deliver(m: ClientMessage): boolean {
    switch (m.payloadType) {
      case PayloadType.HandshakeRequest: {
        const outcome = answerHandshake(m.payload);
        this.info = outcome.info;
        for (const e of outcome.errors) this.log(`handshake: ${e}`);
        this.emit("handshake", outcome.info);
        this.sendStreamData(PayloadType.HandshakeResponse, Buffer.from(outcome.response));
        return true;
      }
      case PayloadType.HandshakeComplete: {
        const complete = parseHandshakeComplete(m.payload);
        this.ready = { ...(this.info ?? { agentVersion: "", sessionType: "", properties: {} }), ...complete };
        if (this.state === "connecting") this.state = "open";
        this.opening?.resolve(this.ready);
        this.opening = undefined;
        return true;
      }
      case PayloadType.Output:
        return this.ready !== undefined && this.handler !== undefined && this.handler.output(m.payload);
      case PayloadType.Flag:
        if (!this.handler) return false;
        this.handler.flag(m.payload.length >= 4 ? m.payload.readUInt32BE(0) : -1);
        return true;
      default:
        this.log(`ignored agent payload type ${m.payloadType}`);
        return true;
    }
  }

  private end(reason: EndReason, detail: string): void {
    if (this.state === "ended") return;
    this.state = "ended";
    this.reconnector.stop();
    this.stopTimers();
    const ws = this.ws;
    this.ws = undefined;
    this.wsReady = false;
    if (ws) {
      ws.removeAllListeners();
      ws.on("error", () => undefined);
      if (ws.readyState === OPEN) ws.close(1000);
      else ws.terminate();
    }
    for (const w of this.ackWaiters.values()) w(false);
    this.ackWaiters.clear();
    this.opening?.reject(new Error(`data channel ended (${reason}): ${detail}`));
    this.opening = undefined;
    this.emit("ended", reason, detail);
  }

  private stopTimers(): void {
    this.stopResend?.();
    this.stopResend = undefined;
    this.stopPing?.();
    this.stopPing = undefined;
  }
}
