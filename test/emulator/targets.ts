// Loopback stand-ins for what a tunnel reaches (a database port, a web app), for the CLI, demo and benchmarks.
import { createServer as createHttpServer } from "node:http";
import { createServer as createTcpServer, type AddressInfo, type Server, type Socket } from "node:net";

export interface Target {
  port: number;
  close(): Promise<void>;
}

function closer(server: Server, sockets: Set<Socket>): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
}

function track(server: Server): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  return sockets;
}

async function listen(server: Server, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  return (server.address() as AddressInfo).port;
}

/** Echoes every byte back on the same connection (what `nc` against a tunnel should see). */
export async function startEchoServer(port = 0): Promise<Target> {
  const server = createTcpServer((socket) => {
    socket.on("error", () => socket.destroy());
    socket.pipe(socket);
  });
  const sockets = track(server);
  return { port: await listen(server, port), close: closer(server, sockets) };
}

/**
 * A small web app: GET / says hello, GET /bytes/N returns N bytes (throughput checks),
 * POST /echo returns the request body.
 */
export async function startHttpServer(port = 0): Promise<Target> {
  const server = createHttpServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://target");
    const bytes = /^\/bytes\/(\d+)$/.exec(url.pathname);
    if (req.method === "POST" && url.pathname === "/echo") {
      res.writeHead(200, { "content-type": req.headers["content-type"] ?? "application/octet-stream" });
      req.pipe(res);
    } else if (req.method === "GET" && bytes && Number(bytes[1]) <= 1 << 30) {
      const n = Number(bytes[1]);
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(n) });
      writeBytes(res, n);
    } else if (req.method === "GET" && url.pathname === "/") {
      res.writeHead(200, { "content-type": "text/plain" }).end("hello from the StormTunnel test target\n");
    } else {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
    }
  });
  const sockets = track(server);
  return { port: await listen(server, port), close: closer(server, sockets) };
}

/** Streams n bytes honouring backpressure, so large responses do not sit in memory. */
function writeBytes(res: import("node:http").ServerResponse, n: number): void {
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  let left = n;
  const pump = () => {
    while (left > 0) {
      const part = left >= chunk.length ? chunk : chunk.subarray(0, left);
      left -= part.length;
      if (!res.write(part)) return void res.once("drain", pump);
    }
    res.end();
  };
  pump();
}
