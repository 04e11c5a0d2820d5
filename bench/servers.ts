// The bench's destinations, behind the emulated instance or reached directly: a sink (counts and hashes what it is
// sent, answers with the SHA-256), a source (sends the requested number of bytes of the bench pattern) and an echo.
// Every byte is checked: the pattern stamps each 64 KiB chunk with its index, so loss, duplication or reordering
// changes the hash. They run in a process of their own (startBenchServers), so their work never slows the emulator,
// which stands in for AWS: a paced session's 1 ms sleeps stretch when its event loop is busy with anything else.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { connect, createServer, type AddressInfo, type Server, type Socket } from "node:net";

export const CHUNK = 64 * 1024;
/** Pseudo-random but the same in every process: the servers' process and the bench's must agree on it. */
const block = Buffer.concat(
  Array.from({ length: CHUNK / 32 }, (_, i) => createHash("sha256").update(`stormtunnel bench ${i}`).digest()),
);

/** Chunk `k` of the pattern (a fresh buffer: sockets may hold it after write returns). */
export function patternChunk(k: number, length = CHUNK): Buffer {
  const c = Buffer.from(block.subarray(0, length));
  if (length >= 4) c.writeUInt32BE(k >>> 0, 0);
  return c;
}

const digests = new Map<number, string>();

/** SHA-256 of the first n bytes of the pattern. */
export function patternDigest(n: number): string {
  let d = digests.get(n);
  if (d) return d;
  const h = createHash("sha256");
  for (let k = 0, left = n; left > 0; k++, left -= CHUNK) h.update(patternChunk(k, Math.min(CHUNK, left)));
  d = h.digest("hex");
  digests.set(n, d);
  return d;
}

/** Sends the first n bytes of the pattern, respecting backpressure. */
export function sendPattern(s: Socket, n: number, done?: () => void): void {
  let k = 0;
  let left = n;
  const pump = () => {
    while (left > 0) {
      const part = patternChunk(k++, Math.min(CHUNK, left));
      left -= part.length;
      if (!s.write(part)) return void s.once("drain", pump);
    }
    done?.();
  };
  pump();
}

export interface BenchServers {
  sink: number;
  source: number;
  echo: number;
  close(): Promise<void>;
}

/** 8-byte big-endian length headers: the sink reads one and then that many bytes; the source sends that many. */
export function header(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
}

/** The servers in a child process (this module run as a script); its ports come back on its stdout. */
export async function startBenchServers(): Promise<BenchServers> {
  const child = spawn(process.execPath, [...process.execArgv, __filename, "--serve"], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const ports = await new Promise<{ sink: number; source: number; echo: number }>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("\n")) resolve(JSON.parse(out) as { sink: number; source: number; echo: number });
    });
    child.once("exit", (code) => reject(new Error(`bench servers exited (${code})`)));
  });
  return {
    ...ports,
    close: async () => {
      child.stdin!.end(); // the servers exit when their stdin closes
      if (child.exitCode === null) await new Promise((r) => child.once("exit", r));
    },
  };
}

/**
 * A plain TCP relay to `port` in a process of its own: what any one extra process in a path costs on this machine,
 * with no protocol at all (the floor under the tunnel's latency tail, which crosses several processes).
 */
export async function startRelay(port: number): Promise<{ port: number; close(): Promise<void> }> {
  const child = spawn(process.execPath, [...process.execArgv, __filename, "--relay", String(port)], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const relayPort = await new Promise<number>((resolve, reject) => {
    child.stdout!.once("data", (d: Buffer) => resolve(Number(d.toString().trim())));
    child.once("exit", (code) => reject(new Error(`bench relay exited (${code})`)));
  });
  return {
    port: relayPort,
    close: async () => {
      child.stdin!.end();
      if (child.exitCode === null) await new Promise((r) => child.once("exit", r));
    },
  };
}

function relayHere(to: number): void {
  const server = createServer({ noDelay: true }, (s) => {
    const up = connect({ port: to, host: "127.0.0.1", noDelay: true });
    s.pipe(up).pipe(s);
    const end = () => (s.destroy(), up.destroy());
    s.on("error", end).on("close", end);
    up.on("error", end).on("close", end);
  });
  server.listen(0, "127.0.0.1", () => process.stdout.write(`${(server.address() as AddressInfo).port}\n`));
  process.stdin.on("data", () => undefined);
  process.stdin.once("end", () => process.exit(0));
}

export async function startServersHere(): Promise<BenchServers> {
  const servers: Server[] = [];
  const sockets = new Set<Socket>();
  const listen = async (onConn: (s: Socket) => void): Promise<number> => {
    const server = createServer({ noDelay: true }, (s) => {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => s.destroy());
      onConn(s);
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    return (server.address() as AddressInfo).port;
  };
  const sink = await listen((s) => {
    let want = -1;
    let got = 0;
    let head = Buffer.alloc(0);
    const hash = createHash("sha256");
    s.on("data", (d: Buffer) => {
      if (want < 0) {
        head = Buffer.concat([head, d]);
        if (head.length < 8) return;
        want = Number(head.readBigUInt64BE(0));
        d = head.subarray(8);
      }
      got += d.length;
      hash.update(d);
      if (got >= want) s.end(hash.digest());
    });
  });
  const source = await listen((s) => {
    let head = Buffer.alloc(0);
    const onData = (d: Buffer) => {
      head = Buffer.concat([head, d]);
      if (head.length < 8) return;
      s.off("data", onData);
      sendPattern(s, Number(head.readBigUInt64BE(0)));
    };
    s.on("data", onData);
  });
  const echo = await listen((s) => s.pipe(s));
  return {
    sink,
    source,
    echo,
    close: async () => {
      for (const s of sockets) s.destroy();
      await Promise.all(servers.map((srv) => new Promise((r) => srv.close(r))));
    },
  };
}

if (require.main === module && process.argv.includes("--relay")) {
  relayHere(Number(process.argv[process.argv.indexOf("--relay") + 1]));
}

if (require.main === module && process.argv.includes("--serve")) {
  void startServersHere().then((servers) => {
    process.stdout.write(JSON.stringify({ sink: servers.sink, source: servers.source, echo: servers.echo }) + "\n");
    process.stdin.on("data", () => undefined);
    process.stdin.once("end", () => void servers.close().then(() => process.exit(0)));
  });
}
