// Agent → client output: one ordered queue of bytes and flags, sent as ≤1024-byte Output messages, optionally with
// the official agent's 1 ms sleep after each message.
import { setImmediate as yieldToLoop } from "node:timers/promises";

export const STREAM_DATA_PAYLOAD_SIZE = 1024;

export interface PumpSink {
  canSend(): boolean;
  pacing(): boolean;
  sendOutput(data: Buffer): void;
  sendFlag(flag: number): void;
  /** A pacing sleep ended after `ms` (for the session's counters). */
  paced(ms: number): void;
  /** Called whenever the queue shrinks, for backpressure. */
  drained(queuedBytes: number): void;
}

export class OutputPump {
  private readonly items: (Buffer | number)[] = [];
  private running = false;
  queuedBytes = 0;

  constructor(private readonly sink: PumpSink) {}

  pushBytes(data: Buffer): void {
    if (!data.length) return;
    this.items.push(data);
    this.queuedBytes += data.length;
    this.kick();
  }

  pushFlag(flag: number): void {
    this.items.push(flag);
    this.kick();
  }

  clear(): void {
    this.items.length = 0;
    this.queuedBytes = 0;
  }

  kick(): void {
    if (!this.running) void this.run();
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      let sent = 0;
      while (this.items.length && this.sink.canSend()) {
        const head = this.items[0];
        const sentAt = performance.now();
        if (typeof head === "number") {
          this.items.shift();
          this.sink.sendFlag(head);
        } else {
          this.sink.sendOutput(this.take(STREAM_DATA_PAYLOAD_SIZE));
        }
        this.sink.drained(this.queuedBytes);
        if (this.sink.pacing()) await this.pace(sentAt);
        else if (++sent % 64 === 0) await yieldToLoop();
      }
    } finally {
      this.running = false;
    }
  }

  /**
   * Like the agent's time.Sleep(time.Millisecond) after each message: at least 1 ms from the send. A 1 ms Node timer
   * counts from the event loop's cached time, so it may fire a little early; the rest is waited out on the loop
   * (a fraction of a millisecond) rather than with a second timer, which would make ~2 ms sleeps and pace slower than
   * a real agent (≈ 0.85 MB/s per session against AWS).
   */
  private async pace(sentAt: number): Promise<void> {
    await new Promise((r) => setTimeout(r, 1));
    while (performance.now() - sentAt < 1) await yieldToLoop();
    this.sink.paced(performance.now() - sentAt);
  }

  /** Up to n bytes from the consecutive byte items at the head (a socket pair read would merge them too). */
  private take(n: number): Buffer {
    const parts: Buffer[] = [];
    let size = 0;
    while (size < n && this.items.length && typeof this.items[0] !== "number") {
      const b = this.items[0] as Buffer;
      const want = n - size;
      if (b.length <= want) {
        parts.push(b);
        size += b.length;
        this.items.shift();
      } else {
        parts.push(b.subarray(0, want));
        this.items[0] = b.subarray(want);
        size += want;
      }
    }
    this.queuedBytes -= size;
    return parts.length === 1 ? parts[0] : Buffer.concat(parts, size);
  }
}
