// One smux stream (one local TCP connection) with its own outbound queue, so a stalled channel
// pauses each local socket separately instead of blocking anything (§15 item 11).
import { EventEmitter } from "node:events";

export const STREAM_HIGH_WATER = 64 * 1024; // hundreds of connections must not hold much each

/** Events: "data"(Buffer) from the agent, "fin" when the agent closed the stream, "drain" when the queue emptied. */
export class SmuxStream extends EventEmitter {
  /** Bytes received from the agent (used to tell a refused dial from a finished stream). */
  receivedBytes = 0;
  sentBytes = 0;
  remoteClosed = false;
  localClosed = false;
  finSent = false;
  private queue: Buffer[] = [];
  private queuedBytes = 0;
  private wantsDrain = false;

  constructor(
    readonly id: number,
    private readonly schedule: (stream: SmuxStream) => void,
    private readonly highWater = STREAM_HIGH_WATER,
  ) {
    super();
  }

  /** Queues local bytes; false means "pause your source until drain". */
  write(data: Buffer): boolean {
    if (this.localClosed || data.length === 0) return true;
    this.queue.push(data);
    this.queuedBytes += data.length;
    this.schedule(this);
    if (this.queuedBytes >= this.highWater) {
      this.wantsDrain = true;
      return false;
    }
    return true;
  }

  /** Full close: FIN goes out once the queued bytes have. */
  close(): void {
    if (this.localClosed) return;
    this.localClosed = true;
    this.schedule(this);
  }

  get queued(): number {
    return this.queuedBytes;
  }

  /** Takes up to `max` queued bytes for one PSH frame. */
  take(max: number): Buffer | undefined {
    const head = this.queue[0];
    if (!head) return undefined;
    let out: Buffer;
    if (head.length <= max) {
      out = head;
      this.queue.shift();
    } else {
      out = head.subarray(0, max);
      this.queue[0] = head.subarray(max);
    }
    this.queuedBytes -= out.length;
    this.sentBytes += out.length;
    if (this.wantsDrain && this.queuedBytes < this.highWater / 2) {
      this.wantsDrain = false;
      this.emit("drain");
    }
    return out;
  }

  /** Data for this stream arrived from the agent. */
  push(data: Buffer): void {
    if (this.remoteClosed) return;
    this.receivedBytes += data.length;
    this.emit("data", data);
  }

  /** The agent sent FIN. */
  finish(): void {
    if (this.remoteClosed) return;
    this.remoteClosed = true;
    this.emit("fin");
  }
}
