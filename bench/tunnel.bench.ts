// Tunnel benchmark: the real worker bundle (double-forked, as shipped) against the emulator, side by side with
// direct loopback. Throughput each way, round-trip latency, 200-connection fan-out, worker idle RSS and CPU per MB.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createConnection, createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { cpus, loadavg } from "node:os";
import { createWorld, type World } from "../test/e2e/harness";
import { listStates } from "../src/lib/tunnels/state";

const MB = 1024 * 1024;

export interface PathResult {
  upMBps: number;
  downMBps: number;
  rttP50: number;
  rttP99: number;
  fanoutMs: number;
}

export interface TunnelBenchResult {
  direct: PathResult;
  unpaced: PathResult & { idleRssMB: number; cpuMsPerMB: number };
  paced: PathResult;
  sizes: { unpacedMB: number; pacedMB: number; pings: number };
}

/** Sink: reads an 8-byte length, then that many bytes, then answers one byte. Source: sends the requested count. */
async function startBenchServers(): Promise<{ sink: number; source: number; echo: number; close(): Promise<void> }> {
  const servers: Server[] = [];
  const sockets = new Set<Socket>();
  const listen = async (onConn: (s: Socket) => void): Promise<number> => {
    const server = createServer((s) => {
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
    s.on("data", (d: Buffer) => {
      if (want < 0) {
        head = Buffer.concat([head, d]);
        if (head.length < 8) return;
        want = Number(head.readBigUInt64BE(0));
        got = head.length - 8;
      } else got += d.length;
      if (got >= want) s.write(Buffer.from([1]));
    });
  });
  const source = await listen((s) => {
    s.once("data", (d: Buffer) => {
      let left = Number(d.readBigUInt64BE(0));
      const chunk = Buffer.alloc(64 * 1024, 0x5a);
      const pump = () => {
        while (left > 0) {
          const part = left >= chunk.length ? chunk : chunk.subarray(0, left);
          left -= part.length;
          if (!s.write(part)) return void s.once("drain", pump);
        }
      };
      pump();
    });
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

function connectTo(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = createConnection(port, "127.0.0.1", () => resolve(s));
    s.setNoDelay(true);
    s.once("error", reject);
  });
}

function header(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
}

async function upload(port: number, bytes: number): Promise<number> {
  const s = await connectTo(port);
  const started = process.hrtime.bigint();
  const done = new Promise<void>((r) => s.once("data", () => r()));
  s.write(header(bytes));
  const chunk = Buffer.alloc(64 * 1024, 0x41);
  for (let sent = 0; sent < bytes; sent += chunk.length) {
    const part = bytes - sent >= chunk.length ? chunk : chunk.subarray(0, bytes - sent);
    if (!s.write(part)) await new Promise((r) => s.once("drain", r));
  }
  await done;
  const secs = Number(process.hrtime.bigint() - started) / 1e9;
  s.destroy();
  return bytes / MB / secs;
}

async function download(port: number, bytes: number): Promise<number> {
  const s = await connectTo(port);
  const started = process.hrtime.bigint();
  let got = 0;
  await new Promise<void>((resolve) => {
    s.on("data", (d: Buffer) => {
      got += d.length;
      if (got >= bytes) resolve();
    });
    s.write(header(bytes));
  });
  const secs = Number(process.hrtime.bigint() - started) / 1e9;
  s.destroy();
  return bytes / MB / secs;
}

async function pingPong(port: number, count: number): Promise<{ p50: number; p99: number }> {
  const s = await connectTo(port);
  const payload = Buffer.alloc(64, 0x70);
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    const t0 = process.hrtime.bigint();
    let got = 0;
    await new Promise<void>((resolve) => {
      const onData = (d: Buffer) => {
        got += d.length;
        if (got >= payload.length) {
          s.off("data", onData);
          resolve();
        }
      };
      s.on("data", onData);
      s.write(payload);
    });
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  s.destroy();
  samples.sort((a, b) => a - b);
  return { p50: samples[Math.floor(samples.length * 0.5)], p99: samples[Math.floor(samples.length * 0.99)] };
}

async function fanOut(port: number, connections: number): Promise<number> {
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      const s = await connectTo(port);
      await new Promise<void>((resolve) => {
        let got = 0;
        s.on("data", (d: Buffer) => {
          got += d.length;
          if (got >= 1024) resolve();
        });
        s.write(Buffer.alloc(1024, 0x66));
      });
      s.destroy();
    }),
  );
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/** Resident memory (MB) and CPU time (ms) of a process: /proc on Linux, ps elsewhere. */
export function processUsage(pid: number): { rssMB: number; cpuMs: number } {
  if (process.platform === "linux") {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime, in clock ticks (100/s)
    return { rssMB: rssKb / 1024, cpuMs: ticks * 10 };
  }
  const [rss, time] = execFileSync("/bin/ps", ["-o", "rss=,time=", "-p", String(pid)], { encoding: "utf8" })
    .trim()
    .split(/\s+/);
  const [m, s] = time.split(":");
  return { rssMB: Number(rss) / 1024, cpuMs: (Number(m) * 60 + Number(s)) * 1000 };
}

interface Ports {
  sink: number;
  source: number;
  echo: number;
}

async function measurePath(ports: Ports, sizeMB: number, pings: number): Promise<PathResult> {
  const upMBps = await upload(ports.sink, sizeMB * MB);
  const downMBps = await download(ports.source, sizeMB * MB);
  const { p50, p99 } = await pingPong(ports.echo, pings);
  const fanoutMs = await fanOut(ports.echo, 200);
  return { upMBps, downMBps, rttP50: p50, rttP99: p99, fanoutMs };
}

/** Three tunnels (sink, source, echo) on one world; returns their local ports and the worker pids. */
async function tunnelsFor(w: World, servers: Ports): Promise<{ ports: Ports; pids: number[] }> {
  const defs = await Promise.all([servers.sink, servers.source, servers.echo].map((p) => w.define({ remotePort: p })));
  const pids: number[] = [];
  for (const d of defs) {
    pids.push(await w.start(d));
    await w.waitStatus(d.id, "connected", 30_000);
  }
  return { ports: { sink: defs[0].localPort, source: defs[1].localPort, echo: defs[2].localPort }, pids };
}

export async function measure(
  opts: { unpacedMB?: number; pacedMB?: number; pings?: number } = {},
): Promise<TunnelBenchResult> {
  const sizes = { unpacedMB: opts.unpacedMB ?? 32, pacedMB: opts.pacedMB ?? 2, pings: opts.pings ?? 500 };
  const servers = await startBenchServers();
  const worlds: World[] = [];
  try {
    const direct = await measurePath(servers, sizes.unpacedMB, sizes.pings);

    // Unpaced: the client's own cost, which AWS's pacing would hide.
    const w = await createWorld({ knobs: { pacing: false } });
    worlds.push(w);
    await w.seedToken();
    const t = await tunnelsFor(w, servers);
    await new Promise((r) => setTimeout(r, 2000)); // let the workers settle before sampling idle memory
    const idleRssMB = Math.max(...t.pids.map((pid) => processUsage(pid).rssMB));
    const cpuBefore = t.pids.map((pid) => processUsage(pid).cpuMs);
    const unpaced = await measurePath(t.ports, sizes.unpacedMB, sizes.pings);
    const cpuMs = t.pids.reduce((sum, pid, i) => sum + processUsage(pid).cpuMs - cpuBefore[i], 0);
    // Bytes the workers moved (both directions, all three tunnels); counters reach the state file once a second.
    await new Promise((r) => setTimeout(r, 1200));
    const movedMB = listStates(w.env).reduce((sum, st) => sum + (st.bytesIn + st.bytesOut) / MB, 0);
    const cpuMsPerMB = cpuMs / Math.max(movedMB, 1);

    const wp = await createWorld(); // the emulator's default: paced like the real agent, i.e. what AWS delivers
    worlds.push(wp);
    await wp.seedToken();
    const tp = await tunnelsFor(wp, servers);
    const paced = await measurePath(tp.ports, sizes.pacedMB, Math.min(sizes.pings, 200));
    return { direct, unpaced: { ...unpaced, idleRssMB, cpuMsPerMB }, paced, sizes };
  } finally {
    for (const w of worlds) await w.close();
    await servers.close();
  }
}

const fmt = (n: number, digits = 2) => n.toFixed(digits);
const mark = (ok: boolean) => (ok ? "✅ met" : "❌ not met");

export function toMarkdown(r: TunnelBenchResult): string {
  const { direct: d, unpaced: u, paced: p } = r;
  const addedP50 = u.rttP50 - d.rttP50;
  const addedP99 = u.rttP99 - d.rttP99;
  const minThroughput = Math.min(u.upMBps, u.downMBps);
  const rows = [
    `| Throughput up, local → remote (MB/s) | ${fmt(d.upMBps, 1)} | ${fmt(u.upMBps, 1)} | ${fmt(p.upMBps, 2)} | ≥ 16 (unpaced) | ${mark(u.upMBps >= 16)} |`,
    `| Throughput down, remote → local (MB/s) | ${fmt(d.downMBps, 1)} | ${fmt(u.downMBps, 1)} | ${fmt(p.downMBps, 2)} | ≥ 16 (unpaced) | ${mark(u.downMBps >= 16)} |`,
    `| RTT p50 (ms), 64 B echo | ${fmt(d.rttP50, 3)} | ${fmt(u.rttP50, 3)} (+${fmt(addedP50, 3)}) | ${fmt(p.rttP50, 3)} | added ≤ 0.5 | ${mark(addedP50 <= 0.5)} |`,
    `| RTT p99 (ms), 64 B echo | ${fmt(d.rttP99, 3)} | ${fmt(u.rttP99, 3)} (+${fmt(addedP99, 3)}) | ${fmt(p.rttP99, 3)} | added ≤ 2 | ${mark(addedP99 <= 2)} |`,
    `| 200-connection fan-out, 1 KiB echo each (ms) | ${fmt(d.fanoutMs, 0)} | ${fmt(u.fanoutMs, 0)} | ${fmt(p.fanoutMs, 0)} | — | measured |`,
    `| Worker idle RSS (MB) | — | ${fmt(u.idleRssMB, 1)} | — | ≤ 45 | ${mark(u.idleRssMB <= 45)} |`,
    `| Worker CPU per MB moved (ms/MB) | — | ${fmt(u.cpuMsPerMB, 1)} | — | — | measured |`,
  ];
  return [
    `Sizes: ${r.sizes.unpacedMB} MB each way direct/unpaced, ${r.sizes.pacedMB} MB paced; ${r.sizes.pings} pings. ` +
      `Slowest unpaced direction: ${fmt(minThroughput, 1)} MB/s.`,
    "",
    "| Metric | Direct loopback | Tunnel, unpaced emulator (client's own cost) | Expected against AWS (paced emulator, 1 KiB + ≥ 1 ms) | Target | Where we stand |",
    "|---|---:|---:|---:|---|---|",
    ...rows,
  ].join("\n");
}

export function machine(): string {
  const [l1] = loadavg();
  return `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, Node ${process.version}, ${process.platform}, load average ${l1.toFixed(1)} at start`;
}

export async function run(): Promise<string> {
  const env = process.env;
  const result = await measure({
    unpacedMB: Number(env.BENCH_TUNNEL_MB) || undefined,
    pacedMB: Number(env.BENCH_PACED_MB) || undefined,
    pings: Number(env.BENCH_PINGS) || undefined,
  });
  return toMarkdown(result);
}
