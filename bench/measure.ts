// What the tunnel bench measures, as plain functions over a local port: throughput each way (every byte checked
// against the pattern's hash), parallel downloads, 64 B echo round trips, fan-out, and a worker's memory and CPU.
import { execFileSync, spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createConnection, type Socket } from "node:net";
import { loadavg } from "node:os";
import { header, patternDigest, sendPattern } from "./servers";

export const MB = 1024 * 1024;

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function load1(): number {
  return loadavg()[0];
}

function connectTo(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = createConnection(port, "127.0.0.1", () => resolve(s));
    s.setNoDelay(true);
    s.once("error", reject);
  });
}

function seconds(since: bigint): number {
  return Number(process.hrtime.bigint() - since) / 1e9;
}

/** Sends n pattern bytes to the sink; MB/s once the sink has confirmed their hash. */
export async function upload(port: number, n: number): Promise<number> {
  const expected = patternDigest(n);
  const s = await connectTo(port);
  const started = process.hrtime.bigint();
  const reply = new Promise<string>((resolve, reject) => {
    const parts: Buffer[] = [];
    s.on("data", (d: Buffer) => parts.push(d));
    s.once("end", () => resolve(Buffer.concat(parts).toString("hex")));
    s.once("error", reject);
  });
  s.write(header(n));
  sendPattern(s, n);
  const got = await reply;
  const secs = seconds(started);
  s.destroy();
  if (got !== expected) throw new Error(`upload of ${n} bytes arrived corrupted (sink hash ${got.slice(0, 12)}…)`);
  return n / MB / secs;
}

/** Asks the source for n pattern bytes; MB/s once all have arrived, checked against the pattern's hash. */
export async function download(port: number, n: number): Promise<number> {
  const expected = patternDigest(n);
  const s = await connectTo(port);
  const started = process.hrtime.bigint();
  const hash = createHash("sha256");
  let got = 0;
  await new Promise<void>((resolve, reject) => {
    s.on("data", (d: Buffer) => {
      hash.update(d);
      got += d.length;
      if (got >= n) resolve();
    });
    s.once("close", () => got < n && reject(new Error(`download closed after ${got} of ${n} bytes`)));
    s.write(header(n));
  });
  const secs = seconds(started);
  s.destroy();
  if (got !== n || hash.digest("hex") !== expected) throw new Error(`download of ${n} bytes arrived corrupted`);
  return n / MB / secs;
}

/** `connections` downloads of n bytes each at once; total MB/s over the time the slowest took. */
export async function parallelDownload(port: number, connections: number, n: number): Promise<number> {
  const started = process.hrtime.bigint();
  await Promise.all(Array.from({ length: connections }, () => download(port, n)));
  return (connections * n) / MB / seconds(started);
}

/** 64-byte round trips, one at a time; each echo must equal what was sent. Milliseconds at p50 and p99. */
export async function pingPong(port: number, count: number): Promise<{ p50: number; p99: number }> {
  const s = await connectTo(port);
  const samples: number[] = [];
  // The first exchange on a tunnel connection also opens its stream to the destination: connection setup (the
  // fan-out row), not a round trip. It goes unmeasured, on every path alike.
  for (let i = -1; i < count; i++) {
    const payload = randomBytes(64);
    const t0 = process.hrtime.bigint();
    const echoed = await new Promise<Buffer>((resolve) => {
      const parts: Buffer[] = [];
      let got = 0;
      const onData = (d: Buffer) => {
        parts.push(d);
        got += d.length;
        if (got >= payload.length) {
          s.off("data", onData);
          resolve(Buffer.concat(parts));
        }
      };
      s.on("data", onData);
      s.write(payload);
    });
    if (i >= 0) samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (!echoed.equals(payload)) throw new Error("an echo came back different");
  }
  s.destroy();
  samples.sort((a, b) => a - b);
  return { p50: samples[Math.floor(count * 0.5)], p99: samples[Math.min(count - 1, Math.floor(count * 0.99))] };
}

/** `connections` connections at once, each echoing 1 KiB (checked); milliseconds until all are done. */
export async function fanOut(port: number, connections: number): Promise<number> {
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      const s = await connectTo(port);
      const payload = randomBytes(1024);
      const echoed = await new Promise<Buffer>((resolve) => {
        const parts: Buffer[] = [];
        let got = 0;
        s.on("data", (d: Buffer) => {
          parts.push(d);
          got += d.length;
          if (got >= payload.length) resolve(Buffer.concat(parts));
        });
        s.write(payload);
      });
      s.destroy();
      if (!echoed.equals(payload)) throw new Error("a fan-out echo came back different");
    }),
  );
  return seconds(started) * 1000;
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

/** The highest RSS of `pids` seen while `work` runs (sampled every 50 ms). */
export async function peakRss<T>(pids: number[], work: () => Promise<T>): Promise<{ result: T; peakMB: number }> {
  let peakMB = 0;
  const sample = () => {
    for (const pid of pids) peakMB = Math.max(peakMB, processUsage(pid).rssMB);
  };
  const timer = setInterval(sample, 50);
  try {
    const result = await work();
    sample();
    return { result, peakMB };
  } finally {
    clearInterval(timer);
  }
}

/**
 * Idle RSS (MB) of a Node process that loads `modules` and listens on a port, with `flags`: the floor under the
 * worker's idle figure (bare Node, and Node holding what any WebSocket-over-TLS client with a helper process needs).
 */
export async function nodeRssMB(flags: string[], modules: string[]): Promise<number> {
  const code =
    modules.map((m) => `require(${JSON.stringify(m)});`).join("") +
    'require("net").createServer().listen(0, "127.0.0.1"); setInterval(() => {}, 1000);';
  const child = spawn(process.execPath, [...flags, "-e", code], { stdio: "ignore" });
  try {
    await new Promise((r) => setTimeout(r, 3000));
    const samples: number[] = [];
    for (let i = 0; i < 5; i++) {
      samples.push(processUsage(child.pid!).rssMB);
      await new Promise((r) => setTimeout(r, 200));
    }
    return median(samples);
  } finally {
    child.kill();
  }
}
