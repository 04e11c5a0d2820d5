// A minimal data-channel client written from ssm-protocol.md (§5, §7, §8), for testing the emulated agent. It is
// deliberately plain: every knob a test needs (auto-ack, retransmit) is explicit, and it records everything it sees.
import { randomUUID } from "node:crypto";
import WebSocket from "ws";
import {
  ackFor,
  decodeMessage,
  encodeMessage,
  flagPayload,
  MessageType,
  newMessage,
  parseAck,
  PayloadType,
  type ClientMessage,
} from "../../../src/lib/ssm/message";

export interface SpecClientOptions {
  clientVersion?: string;
  clientId?: string;
  /** Ack output_stream_data (true) or not (false), or decide per message. */
  autoAck?: boolean | ((m: ClientMessage) => boolean);
  /** Resend the oldest unacked input_stream_data after this long; 0 disables. */
  retransmitMs?: number;
}

export interface Received {
  at: number;
  /** Which read from the TCP socket carried the frame: frames written together arrive in the same read. */
  read: number;
  message: ClientMessage;
}

export class SpecClient {
  ws!: WebSocket;
  readonly clientId: string;
  readonly clientVersion: string;
  /** Every decoded frame from the agent, duplicates and acks included. */
  readonly received: Received[] = [];
  /** output_stream_data delivered in order (each once). */
  readonly delivered: ClientMessage[] = [];
  /** Sequence numbers the agent acked. */
  readonly acked = new Set<number>();
  readonly unacked = new Map<number, { bytes: Buffer; sentAt: number }>();
  closeEvents: { code: number; reason: string }[] = [];
  /** TCP reads so far (see Received.read). */
  reads = 0;
  autoAck: boolean | ((m: ClientMessage) => boolean);
  outSeq = 0;
  private inExpected = 0;
  private readonly incoming = new Map<number, ClientMessage>();
  private readonly listeners = new Set<() => void>();
  private resendTimer?: NodeJS.Timeout;

  constructor(
    private readonly streamUrl: string,
    options: SpecClientOptions = {},
  ) {
    this.clientId = options.clientId ?? randomUUID();
    this.clientVersion = options.clientVersion ?? "1.2.677.0";
    this.autoAck = options.autoAck ?? true;
    const retransmitMs = options.retransmitMs ?? 300;
    if (retransmitMs > 0) {
      this.resendTimer = setInterval(() => this.resendOldest(retransmitMs), 50);
      this.resendTimer.unref();
    }
  }

  /** Dials the StreamUrl and sends OpenDataChannelInput (a new RequestId each time, the same ClientId). */
  async open(token: string): Promise<void> {
    const ws = new WebSocket(this.streamUrl);
    this.ws = ws;
    ws.on("upgrade", (res) => res.socket.prependListener("data", () => (this.reads += 1)));
    ws.on("message", (data: Buffer, isBinary: boolean) => this.onFrame(data, isBinary));
    ws.on("close", (code, reason) => {
      this.closeEvents.push({ code, reason: reason.toString() });
      this.notify();
    });
    ws.on("error", () => undefined);
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
    });
    ws.send(
      JSON.stringify({
        MessageSchemaVersion: "1.0",
        RequestId: randomUUID(),
        TokenValue: token,
        ClientId: this.clientId,
        ClientVersion: this.clientVersion,
      }),
    );
    // After a reconnect, everything unacked goes again at once.
    for (const { bytes } of this.unacked.values()) ws.send(bytes);
  }

  /** §3 step 5: wait for HandshakeRequest, answer, wait for HandshakeComplete. Returns the request. */
  async handshake(): Promise<{ request: HandshakeRequest; complete: ClientMessage }> {
    const req = await this.waitForDelivered((m) => m.payloadType === PayloadType.HandshakeRequest);
    const request = JSON.parse(req.payload.toString()) as HandshakeRequest;
    this.sendStream(
      PayloadType.HandshakeResponse,
      Buffer.from(
        JSON.stringify({
          ClientVersion: this.clientVersion,
          ProcessedClientActions: [{ ActionType: "SessionType", ActionStatus: 1, ActionResult: null, Error: "" }],
          Errors: null,
        }),
      ),
    );
    const complete = await this.waitForDelivered((m) => m.payloadType === PayloadType.HandshakeComplete);
    return { request, complete };
  }

  sendStream(payloadType: number, payload: Buffer): number {
    const seq = this.outSeq++;
    const bytes = encodeMessage(
      newMessage({ messageType: MessageType.InputStreamData, sequenceNumber: seq, payloadType, payload }),
    );
    this.unacked.set(seq, { bytes, sentAt: Date.now() });
    this.sendRaw(bytes);
    return seq;
  }

  sendOutput(data: Buffer): number[] {
    const seqs: number[] = [];
    for (let at = 0; at < data.length; at += 1024)
      seqs.push(this.sendStream(PayloadType.Output, data.subarray(at, at + 1024)));
    return seqs;
  }

  sendFlag(flag: number): number {
    return this.sendStream(PayloadType.Flag, flagPayload(flag));
  }

  sendRaw(bytes: Buffer): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(bytes);
  }

  /** Concatenated Output payloads delivered so far. */
  outputBytes(): Buffer {
    return Buffer.concat(this.delivered.filter((m) => m.payloadType === PayloadType.Output).map((m) => m.payload));
  }

  async waitFor<T>(probe: () => T | undefined | false, timeoutMs = 5000, what = "condition"): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = probe();
      if (v) return v;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const done = () => {
          this.listeners.delete(done);
          clearTimeout(t);
          resolve();
        };
        const t = setTimeout(done, 20);
        this.listeners.add(done);
      });
    }
  }

  waitForDelivered(pred: (m: ClientMessage) => boolean, timeoutMs = 5000): Promise<ClientMessage> {
    return this.waitFor(() => this.delivered.find(pred), timeoutMs, "a delivered message");
  }

  waitForType(type: string, timeoutMs = 5000): Promise<ClientMessage> {
    return this.waitFor(() => this.received.find((r) => r.message.messageType === type)?.message, timeoutMs, type);
  }

  async close(): Promise<void> {
    if (this.resendTimer) clearInterval(this.resendTimer);
    if (!this.ws || this.ws.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      this.ws.once("close", () => resolve());
      this.ws.terminate();
    });
  }

  private onFrame(data: Buffer, isBinary: boolean): void {
    if (!isBinary) throw new Error("the agent must never send TEXT frames");
    const r = decodeMessage(Buffer.from(data));
    if (!r.ok) throw new Error(`agent sent an invalid frame: ${r.reason}`);
    const m = r.message;
    this.received.push({ at: Date.now(), read: this.reads, message: m });
    if (m.messageType === MessageType.Acknowledge) {
      const ack = parseAck(m);
      if (ack) {
        this.acked.add(ack.AcknowledgedMessageSequenceNumber);
        this.unacked.delete(ack.AcknowledgedMessageSequenceNumber);
      }
    } else if (m.messageType === MessageType.OutputStreamData) {
      this.onStreamData(m);
    }
    this.notify();
  }

  /** §16 receive rules: in order → deliver + ack; ahead → ack + buffer; duplicate → re-ack. */
  private onStreamData(m: ClientMessage): void {
    const ack = typeof this.autoAck === "function" ? this.autoAck(m) : this.autoAck;
    if (m.sequenceNumber < this.inExpected) {
      if (ack) this.sendRaw(encodeMessage(ackFor(m)));
      return;
    }
    if (m.sequenceNumber > this.inExpected) {
      if (!ack) return;
      this.incoming.set(m.sequenceNumber, m);
      this.sendRaw(encodeMessage(ackFor(m)));
      return;
    }
    if (!ack) return; // not processed: the agent must retransmit
    this.sendRaw(encodeMessage(ackFor(m)));
    this.delivered.push(m);
    this.inExpected++;
    for (let next = this.incoming.get(this.inExpected); next; next = this.incoming.get(this.inExpected)) {
      this.incoming.delete(this.inExpected);
      this.delivered.push(next);
      this.inExpected++;
    }
  }

  private resendOldest(afterMs: number): void {
    const first = this.unacked.entries().next().value; // insertion order is seq order
    if (!first || Date.now() - first[1].sentAt < afterMs) return;
    first[1].sentAt = Date.now();
    this.sendRaw(first[1].bytes);
  }

  private notify(): void {
    for (const l of [...this.listeners]) l();
  }
}

export interface HandshakeRequest {
  AgentVersion: string;
  RequestedClientActions: {
    ActionType: string;
    ActionParameters: { SessionType: string; Properties: Record<string, string> };
  }[];
}
