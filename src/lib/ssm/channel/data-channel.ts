// The data channel (ssm-protocol.md §5, §7, §8, §12, §13): one WebSocket at a time, reliable ordered
// delivery on top, kept alive across socket drops with ResumeSession. No TCP, no smux here.
import { randomUUID } from "node:crypto";
import { EventEmitter } from "node:events";
import { ackedSequence, ackFrameSequence, encodeAck } from "../ack";
import { decodeMessage, Flag, flagPayload, MessageType, PayloadType, type ClientMessage } from "../message";
import { every, systemClock, type Clock } from "../clock";
import { DEFAULT_BACKOFF } from "./backoff";
import { answerHandshake, channelClosedOutput, openDataChannelInput, parseHandshakeComplete } from "./handshake";
import type { HandshakeInfo } from "./handshake";
import { InboundSequencer } from "./inbound";
import { Reconnector } from "./reconnector";
import { ReliableSender } from "./sender";
import { dialWebSocket, discardSocket, OPEN, toBuffer, type ChannelSocket, type Dial } from "./socket";
import {
  ChannelEndedError,
  type ChannelHandler,
  type DataChannelOptions,
  type EndReason,
  type ReadyInfo,
} from "./types";
import { WriteBatch } from "./write-batch";

export const STREAM_DATA_PAYLOAD_SIZE = 1024; // §7.4: what agents and MGS are known to handle
export { ChannelEndedError } from "./types";
export type { ChannelHandler, DataChannelOptions, EndReason, ReadyInfo } from "./types";

type State = "idle" | "connecting" | "open" | "reconnecting" | "ended";

export class DataChannel extends EventEmitter {
  private readonly clock: Clock;
  private readonly log: (line: string) => void;
  private readonly newId: () => string;
  private readonly dial: Dial;
  private readonly inbound: InboundSequencer;
  private readonly reconnector: Reconnector;
  private readonly sender: ReliableSender;
  private readonly batch = new WriteBatch();
  private state: State = "idle";
  private ws?: ChannelSocket;
  private wsReady = false;
  private token: string;
  private handler?: ChannelHandler;
  private info?: HandshakeInfo;
  private ready?: ReadyInfo;
  private stopPing?: () => void;
  private inboundSincePing = true;
  private everOpened = false;
  private opening?: { resolve: (r: ReadyInfo) => void; reject: (e: Error) => void };

  constructor(private readonly options: DataChannelOptions) {
    super();
    this.clock = options.clock ?? systemClock;
    this.log = options.logger ?? (() => undefined);
    this.newId = options.newId ?? randomUUID;
    this.dial = options.dial ?? dialWebSocket;
    this.sender = new ReliableSender({
      clock: this.clock,
      newId: options.newId,
      log: this.log,
      highWaterBytes: options.highWaterBytes ?? 2 * 1024 * 1024,
      onDrain: () => this.emit("drain"),
    });
    this.token = options.tokenValue;
    this.inbound = new InboundSequencer({ deliver: (m) => this.deliver(m), ack: (m) => this.sendAck(m) });
    this.reconnector = new Reconnector({
      policy: { ...DEFAULT_BACKOFF, ...options.backoff },
      clock: this.clock,
      random: options.random ?? Math.random,
      resume: options.resume,
      connect: (token) => this.connect((this.token = token ?? this.token)),
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
    void done.catch(() => undefined).finally(() => this.clock.clearTimeout(timeout));
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
    return this.sender.waitForAck(seq, timeoutMs);
  }

  /** False while too much is unacked: stop reading local sockets until "drain". */
  get writable(): boolean {
    return this.sender.writable;
  }

  /** Current retransmission timeout (diagnostics). */
  get rtoMs(): number {
    return this.sender.rto.rto;
  }

  get unackedBytes(): number {
    return this.sender.unackedBytes;
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
    if (this.state === "ended") return -1; // late local bytes after the end: nowhere to go, never a crash
    return this.sender.send(payloadType, payload);
  }

  /** Lost acks are harmless (socket not ready): the agent resends and we re-ack the duplicate. */
  private sendAck(m: ClientMessage): void {
    if (this.wsReady && this.ws) this.batch.send(this.ws, encodeAck(m, this.clock.now(), this.options.newId?.()));
  }

  private connect(token: string): Promise<boolean> {
    return new Promise((resolve) => {
      let settled = false;
      let ws: ChannelSocket;
      try {
        ws = this.dial(this.options.streamUrl);
      } catch (err) {
        resolve(false);
        return this.end("error", `cannot open the data channel: ${err instanceof Error ? err.message : String(err)}`);
      }
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
        this.sender.attach((frame) => this.batch.send(ws, frame)); // retransmits everything unacked
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
    discardSocket(ws, false);
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
    const acked = ackFrameSequence(frame); // half of all frames: the fast path skips the general decode
    if (acked !== undefined) return this.sender.acked(acked);
    const decoded = decodeMessage(frame);
    if (!decoded.ok) return this.log(`dropped a malformed message: ${decoded.reason}`);
    const m = decoded.message;
    switch (m.messageType) {
      case MessageType.OutputStreamData:
        return this.inbound.receive(m);
      case MessageType.Acknowledge: {
        const seq = ackedSequence(m);
        return seq === undefined ? this.log("ignored an unreadable acknowledge") : this.sender.acked(seq);
      }
      case MessageType.ChannelClosed:
        return this.end("channel_closed", channelClosedOutput(m.payload));
      case MessageType.StartPublication:
      case MessageType.PausePublication:
        return;
      default:
        this.log(`ignored a ${m.messageType} message`);
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
        // The agent cancels a session whose handshake we declined; do not wait for it to say so.
        if (outcome.problem) this.end("error", outcome.problem);
        return true;
      }
      case PayloadType.HandshakeComplete: {
        const complete = parseHandshakeComplete(m.payload);
        const ready: ReadyInfo = {
          ...(this.info ?? { agentVersion: "", sessionType: "", properties: {} }),
          customerMessage: complete.customerMessage,
        };
        this.ready = ready;
        if (this.state === "connecting") this.state = "open";
        this.opening?.resolve(ready);
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
    this.batch.flush(); // what this turn sent goes out before the close frame
    this.ws = undefined;
    this.wsReady = false;
    if (ws) discardSocket(ws, true);
    this.sender.stop();
    this.opening?.reject(new ChannelEndedError(reason, detail));
    this.opening = undefined;
    this.emit("ended", reason, detail);
  }

  private stopTimers(): void {
    this.sender.detach();
    this.stopPing?.();
    this.stopPing = undefined;
  }
}
