// smux v1 client session over the data channel's byte stream (ssm-protocol.md §10.3). The client opens
// every stream (3, 5, 7, …); frames leave round-robin across streams, only while the channel can take them.
import { EventEmitter } from "node:events";
import { every, systemClock, type Clock } from "../clock";
import { Cmd, encodeFrame, FrameReader, MAX_FRAME_DATA, SmuxProtocolError } from "./frame";
import { SmuxStream, STREAM_HIGH_WATER } from "./stream";

export const KEEPALIVE_INTERVAL_MS = 10_000;
export const KEEPALIVE_TIMEOUT_MS = 30_000;

export interface SmuxSessionOptions {
  /** Sends bytes of the smux stream (the data channel chunks them into Output messages). */
  write: (bytes: Buffer) => void;
  /** Whether the channel takes more data now; when false, streams queue until pump() is called. */
  canWrite: () => boolean;
  /** NOP every 10 s and a 30 s silence timeout; only for agents that keep smux keepalive on (§10.1). */
  keepalive: boolean;
  clock?: Clock;
  streamHighWater?: number;
  /** Keepalive periods; the smux defaults (10 s / 30 s) unless a test shortens them. */
  keepaliveIntervalMs?: number;
  keepaliveTimeoutMs?: number;
}

/** Events: "close"(reason) once the session is over (keepalive timeout, protocol error, close()). */
export class SmuxSession extends EventEmitter {
  private readonly reader = new FrameReader();
  private readonly streams = new Map<number, SmuxStream>();
  private readonly ready = new Set<SmuxStream>(); // streams with queued data or a FIN to send
  private nextId = 1;
  private closed = false;
  private pumping = false;
  private heardSinceCheck = false;
  private stopTimers: (() => void)[] = [];

  constructor(private readonly o: SmuxSessionOptions) {
    super();
    if (o.keepalive) {
      const clock = o.clock ?? systemClock;
      const interval = o.keepaliveIntervalMs ?? KEEPALIVE_INTERVAL_MS;
      const timeout = o.keepaliveTimeoutMs ?? KEEPALIVE_TIMEOUT_MS;
      this.stopTimers.push(every(clock, interval, () => this.o.write(encodeFrame(Cmd.NOP, 0))));
      this.stopTimers.push(
        every(clock, timeout, () => {
          if (!this.heardSinceCheck) this.close(`smux keepalive timeout: no frame from the agent for ${timeout} ms`);
          this.heardSinceCheck = false;
        }),
      );
    }
  }

  openStream(): SmuxStream {
    if (this.closed) throw new Error("smux session is closed");
    this.nextId += 2;
    const stream = new SmuxStream(this.nextId, (s) => this.schedule(s), this.o.streamHighWater ?? STREAM_HIGH_WATER);
    this.streams.set(stream.id, stream);
    this.o.write(encodeFrame(Cmd.SYN, stream.id));
    return stream;
  }

  /** Bytes from the agent's Output payloads, chunked at any boundary. */
  receive(chunk: Buffer): void {
    if (this.closed) return;
    this.heardSinceCheck = true;
    let frames;
    try {
      frames = this.reader.push(chunk);
    } catch (err) {
      if (err instanceof SmuxProtocolError) return this.close(err.message);
      throw err;
    }
    for (const f of frames) {
      const stream = this.streams.get(f.streamId);
      if (f.cmd === Cmd.PSH) stream?.push(f.data);
      else if (f.cmd === Cmd.FIN && stream) {
        stream.finish();
        this.forgetIfDone(stream);
      }
      // NOP: liveness only. SYN: the agent never opens streams. UPD: smux v2 only.
    }
  }

  /** Sends queued data while the channel takes it; call again when the channel drains. */
  pump(): void {
    if (this.pumping || this.closed) return;
    this.pumping = true;
    try {
      while (this.ready.size > 0 && this.o.canWrite()) {
        for (const stream of [...this.ready]) {
          const data = stream.take(MAX_FRAME_DATA);
          if (data) this.o.write(encodeFrame(Cmd.PSH, stream.id, data));
          if (stream.queued === 0) {
            this.ready.delete(stream);
            if (stream.localClosed && !stream.finSent) {
              stream.finSent = true;
              this.o.write(encodeFrame(Cmd.FIN, stream.id));
              this.forgetIfDone(stream);
            }
          }
          if (!this.o.canWrite()) break;
        }
      }
    } finally {
      this.pumping = false;
    }
  }

  close(reason = "closed"): void {
    if (this.closed) return;
    this.closed = true;
    for (const stop of this.stopTimers) stop();
    for (const s of this.streams.values()) s.finish();
    this.streams.clear();
    this.ready.clear();
    this.emit("close", reason);
  }

  get streamCount(): number {
    return this.streams.size;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private schedule(stream: SmuxStream): void {
    if (this.closed || !this.streams.has(stream.id)) return;
    this.ready.add(stream);
    this.pump();
  }

  /** A stream is gone once we sent FIN and the agent did too (or never will: it ignores a closed id). */
  private forgetIfDone(stream: SmuxStream): void {
    if (stream.finSent && stream.remoteClosed) this.streams.delete(stream.id);
  }
}
