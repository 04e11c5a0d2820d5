// Real loopback TCP pairs: the "accepted" socket a forwarder gets, and the client end a test drives.
import { EventEmitter } from "node:events";
import { createServer, connect, type Server, type Socket, type AddressInfo } from "node:net";

export interface Pair {
  accepted: Socket;
  client: Socket;
}

export class Loopback {
  private server?: Server;
  private sockets = new Set<Socket>();
  private queue: Socket[] = [];
  private waiters: ((s: Socket) => void)[] = [];

  async start(): Promise<void> {
    this.server = createServer((s) => {
      this.track(s);
      const w = this.waiters.shift();
      if (w) w(s);
      else this.queue.push(s);
    });
    await new Promise<void>((r) => this.server!.listen(0, "127.0.0.1", () => r()));
  }

  async pair(): Promise<Pair> {
    const port = (this.server!.address() as AddressInfo).port;
    const client = this.track(connect(port, "127.0.0.1"));
    const accepted = await new Promise<Socket>((r) => {
      const s = this.queue.shift();
      if (s) r(s);
      else this.waiters.push(r);
    });
    return { accepted, client };
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server?.close(() => r()) ?? r());
  }

  private track(s: Socket): Socket {
    this.sockets.add(s);
    s.on("error", () => undefined);
    s.on("close", () => this.sockets.delete(s));
    return s;
  }
}

/** Stands in for the data channel below a forwarder. */
export class FakeChannel extends EventEmitter {
  out: Buffer[] = [];
  flags: number[] = [];
  writable = true;
  retries = 0;
  sendOutput(data: Buffer): void {
    this.out.push(Buffer.from(data));
  }
  sendFlag(flag: number): number {
    this.flags.push(flag);
    return this.flags.length;
  }
  retryDelivery(): void {
    this.retries += 1;
  }
  bytes(): Buffer {
    return Buffer.concat(this.out);
  }
  setWritable(w: boolean): void {
    this.writable = w;
    if (w) this.emit("drain");
  }
}

export function until(cond: () => boolean, timeoutMs = 5000, what = "condition"): Promise<void> {
  return new Promise((resolve, reject) => {
    const start = Date.now();
    const tick = () => {
      if (cond()) return resolve();
      if (Date.now() - start > timeoutMs) return reject(new Error(`${what} not met in time`));
      setTimeout(tick, 5);
    };
    tick();
  });
}

export function collect(socket: Socket): { text: () => string; bytes: () => number } {
  const chunks: Buffer[] = [];
  socket.on("data", (d: Buffer) => chunks.push(d));
  return { text: () => Buffer.concat(chunks).toString(), bytes: () => chunks.reduce((n, c) => n + c.length, 0) };
}
