// Traffic through a tunnel with end-to-end checks: SHA-256 of everything sent vs everything echoed back.
import { createHash, randomBytes } from "node:crypto";
import { createConnection } from "node:net";
import { get } from "node:http";

export interface EchoResult {
  sentHash: string;
  receivedHash: string;
  bytes: number;
  ms: number;
}

/** Streams `total` random bytes to an echo service through `port` and hashes what comes back. */
export function echoTransfer(port: number, total: number, chunk = 64 * 1024): Promise<EchoResult> {
  return new Promise((resolve, reject) => {
    const sent = createHash("sha256");
    const received = createHash("sha256");
    let got = 0;
    let queued = 0;
    const started = Date.now();
    const socket = createConnection(port, "127.0.0.1");
    const block = randomBytes(chunk);
    const pump = () => {
      while (queued < total) {
        const n = Math.min(chunk, total - queued);
        // Vary the bytes per chunk so reordering or duplication would change the hash.
        const part = Buffer.from(block.subarray(0, n));
        part.writeUInt32BE(queued >>> 0, 0);
        sent.update(part);
        queued += n;
        if (!socket.write(part)) return void socket.once("drain", pump);
      }
    };
    socket.on("connect", pump);
    socket.on("data", (d) => {
      received.update(d);
      got += d.length;
      if (got >= total) {
        socket.destroy();
        resolve({
          sentHash: sent.digest("hex"),
          receivedHash: received.digest("hex"),
          bytes: got,
          ms: Date.now() - started,
        });
      }
    });
    socket.on("error", reject);
    socket.on("close", () => got < total && reject(new Error(`connection closed after ${got} of ${total} bytes`)));
  });
}

/** Downloads n bytes from the HTTP target's /bytes/n and hashes them; returns [hash, expected hash]. */
export function httpDownload(port: number, n: number): Promise<{ hash: string; expected: string; bytes: number }> {
  return new Promise((resolve, reject) => {
    const h = createHash("sha256");
    let bytes = 0;
    get({ host: "127.0.0.1", port, path: `/bytes/${n}` }, (res) => {
      res.on("data", (d: Buffer) => {
        h.update(d);
        bytes += d.length;
      });
      res.on("end", () =>
        resolve({
          hash: h.digest("hex"),
          expected: createHash("sha256").update(Buffer.alloc(n, 0x61)).digest("hex"),
          bytes,
        }),
      );
      res.on("error", reject);
    }).on("error", reject);
  });
}

/** Writes `data` once and resolves with what the echo server sent back. */
export function echoOnce(port: number, data: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let got = 0;
    const s = createConnection(port, "127.0.0.1", () => s.write(data));
    s.on("data", (d) => {
      chunks.push(d);
      got += d.length;
      if (got >= data.length) {
        s.destroy();
        resolve(Buffer.concat(chunks));
      }
    });
    s.on("error", reject);
    s.on("close", () => got < data.length && reject(new Error(`closed after ${got} bytes`)));
  });
}
