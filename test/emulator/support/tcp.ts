// Loopback TCP destinations for the agent to forward to.
import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";

export interface TcpTarget {
  port: number;
  /** Connections accepted so far. */
  accepted: number;
  /** Bytes each connection received, in accept order. */
  received: Buffer[];
  /** Connections still open. */
  open(): number;
  close(): Promise<void>;
}

/** Echoes every byte back (and records it). */
export function startEchoServer(): Promise<TcpTarget> {
  return startServer((socket, record) => {
    socket.on("data", (d: Buffer) => {
      record(d);
      socket.write(d);
    });
    socket.on("end", () => socket.end());
  });
}

/** Records what it receives and answers nothing. */
export function startSinkServer(): Promise<TcpTarget> {
  return startServer((socket, record) => socket.on("data", record));
}

/** Records what it receives, but reads nothing until `release()`: a destination that does not keep up. */
export async function startStalledSink(): Promise<TcpTarget & { release(): void }> {
  const paused = new Set<Socket>();
  let released = false;
  const target = await startServer((socket, record) => {
    socket.on("data", record);
    if (released) return;
    socket.pause();
    paused.add(socket);
  });
  return Object.assign(target, {
    release() {
      released = true;
      for (const s of paused) s.resume();
    },
  });
}

/** Sends `payload` to each new connection (after `delayMs`), then closes it. */
export function startSourceServer(payload: Buffer, delayMs = 0): Promise<TcpTarget> {
  return startServer((socket) => {
    const t = setTimeout(() => socket.end(payload), delayMs);
    socket.on("close", () => clearTimeout(t));
  });
}

async function startServer(onConnection: (s: Socket, record: (d: Buffer) => void) => void): Promise<TcpTarget> {
  const sockets = new Set<Socket>();
  const target: TcpTarget = {
    port: 0,
    accepted: 0,
    received: [],
    open: () => sockets.size,
    close: async () => undefined,
  };
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
    const index = target.accepted++;
    target.received[index] = Buffer.alloc(0);
    onConnection(socket, (d) => (target.received[index] = Buffer.concat([target.received[index], d])));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  target.port = (server.address() as AddressInfo).port;
  target.close = async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return target;
}

/** A port that nothing listens on (bound, then released). */
export async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
