// Tunnel benchmark: the real worker bundle (double-forked, as shipped) against the emulator, side by side with direct
// loopback, unpaced and paced (the agent's 1 KiB + 1 ms), pool of 1 and pool of 4. Every figure is the median of
// several repetitions; every byte is checked (measure.ts); the load average is recorded with each column.
import { cpus, loadavg } from "node:os";
import type { TunnelDefinition } from "../src/lib/tunnels/definition";
import { WORKER_NODE_FLAGS } from "../src/lib/tunnels/supervisor/worker-command";
import { listStates, readState } from "../src/lib/tunnels/state";
import { createWorld, type World } from "../test/e2e/harness";
import { waitFor } from "../test/tunnels/helpers";
import {
  download,
  fanOut,
  load1,
  MB,
  median,
  nodeRssMB,
  parallelDownload,
  peakRss,
  pingPong,
  processUsage,
  upload,
} from "./measure";
import { startBenchServers, startRelay } from "./servers";
import { toMarkdown } from "./tunnel-table";

export { processUsage } from "./measure";

export interface Figures {
  /** 1-minute load average when the column's measurements began. */
  load: number;
  down1MBps: number;
  down4MBps: number;
  upMBps: number;
  rttP50: number;
  rttP99: number;
  fanoutMs?: number;
  idleRssMB?: number;
  loadedRssMB?: number;
  cpuMsPerMB?: number;
}

export interface TunnelBenchResult {
  direct: Figures;
  /** 64 B echo through one plain TCP relay process: the machine's cost of one more process in the path. */
  relay: { rttP50: number; rttP99: number };
  /** Idle RSS of bare Node, and of Node holding the modules any WebSocket-over-TLS worker loads (MB). */
  nodeFloor: { bareMB: number; tlsClientMB: number };
  unpaced: Figures;
  paced1: Figures;
  paced4: Figures;
  sizes: BenchSizes;
}

export interface BenchSizes {
  /** MB per transfer, unpaced and direct (the 4-connection figure moves this much in all). */
  unpacedMB: number;
  /** MB per transfer through the paced emulator. */
  pacedMB: number;
  pings: number;
  reps: number;
  pacedReps: number;
  /** Unmeasured repetitions at the start of each column: the JIT compiles the hot paths first. */
  warmupReps: number;
}

/** The workers run with the settings users have (the e2e harness checks tokens every 500 ms). */
const REAL_SETTINGS = { STORMTUNNEL_CHECK_INTERVAL_MS: "60000" };

interface Ports {
  sink: number;
  source: number;
  echo: number;
}

interface Run {
  down1: number;
  down4: number;
  up: number;
  p50: number;
  p99: number;
  fanout?: number;
}

/** One repetition over a path; `fanout` only where it means something (not through the paced agent). */
async function once(ports: Ports, mb: number, pings: number, fanout: boolean): Promise<Run> {
  const down1 = await download(ports.source, mb * MB);
  const down4 = await parallelDownload(ports.source, 4, Math.round((mb * MB) / 4));
  const up = await upload(ports.sink, mb * MB);
  const { p50, p99 } = await pingPong(ports.echo, pings);
  return { down1, down4, up, p50, p99, fanout: fanout ? await fanOut(ports.echo, 200) : undefined };
}

function medians(runs: Run[], load: number): Figures {
  const of = (k: keyof Run) => median(runs.map((r) => r[k] ?? NaN));
  return {
    load,
    down1MBps: of("down1"),
    down4MBps: of("down4"),
    upMBps: of("up"),
    rttP50: of("p50"),
    rttP99: of("p99"),
    fanoutMs: runs[0].fanout === undefined ? undefined : of("fanout"),
  };
}

/** Sink, source and echo tunnels with `sessions` each; connected, with their worker pids. */
async function tunnelsFor(w: World, servers: Ports, sessions: number): Promise<{ ports: Ports; pids: number[] }> {
  const defs: TunnelDefinition[] = [];
  for (const port of [servers.sink, servers.source, servers.echo])
    defs.push(await w.define({ remotePort: port, sessions }));
  const pids: number[] = [];
  for (const d of defs) {
    pids.push(await w.start(d));
    await w.waitStatus(d.id, "connected", 30_000);
  }
  // A pool is ready once every member is connected.
  for (const d of defs) {
    await waitFor(() => readState(w.env, d.id)?.sessions?.every((m) => m.status === "connected"), 30_000);
  }
  return { ports: { sink: defs[0].localPort, source: defs[1].localPort, echo: defs[2].localPort }, pids };
}

/** Idle RSS: each worker sampled five times once it settled (V8's memory reducer runs ~10 s after the last burst). */
async function idleRss(pids: number[]): Promise<number> {
  await new Promise((r) => setTimeout(r, 20_000));
  const samples: number[][] = pids.map(() => []);
  for (let i = 0; i < 5; i++) {
    pids.forEach((pid, k) => samples[k].push(processUsage(pid).rssMB));
    await new Promise((r) => setTimeout(r, 200));
  }
  return Math.max(...samples.map(median));
}

async function pacedColumn(w: World, servers: Ports, sessions: number, sizes: BenchSizes): Promise<Figures> {
  const t = await tunnelsFor(w, servers, sessions);
  const idleRssMB = await idleRss(t.pids);
  const load = load1();
  for (let i = 0; i < sizes.warmupReps; i++) await once(t.ports, sizes.pacedMB, 100, false);
  const runs: Run[] = [];
  for (let i = 0; i < sizes.pacedReps; i++) runs.push(await once(t.ports, sizes.pacedMB, 100, false));
  return { ...medians(runs, load), idleRssMB };
}

export async function measure(sizes: BenchSizes): Promise<TunnelBenchResult> {
  const servers = await startBenchServers();
  const worlds: World[] = [];
  try {
    for (let i = 0; i < sizes.warmupReps; i++) await once(servers, sizes.unpacedMB, sizes.pings, true);
    let load = load1();
    const directRuns: Run[] = [];
    for (let i = 0; i < sizes.reps; i++) directRuns.push(await once(servers, sizes.unpacedMB, sizes.pings, true));
    const direct = medians(directRuns, load);
    const relayed = await startRelay(servers.echo);
    for (let i = 0; i < sizes.warmupReps; i++) await pingPong(relayed.port, sizes.pings);
    const relayRuns: { p50: number; p99: number }[] = [];
    for (let i = 0; i < sizes.reps; i++) relayRuns.push(await pingPong(relayed.port, sizes.pings));
    await relayed.close();
    const relay = { rttP50: median(relayRuns.map((r) => r.p50)), rttP99: median(relayRuns.map((r) => r.p99)) };

    // Unpaced: the client's own cost, which AWS's pacing would hide.
    const w = await createWorld({ knobs: { pacing: false } }, REAL_SETTINGS);
    worlds.push(w);
    await w.seedToken();
    const t = await tunnelsFor(w, servers, 1);
    const idleRssMB = await idleRss(t.pids);
    for (let i = 0; i < sizes.warmupReps; i++) await once(t.ports, sizes.unpacedMB, sizes.pings, true);
    load = load1();
    const cpuBefore = t.pids.map((pid) => processUsage(pid).cpuMs);
    const movedBefore = moved(w);
    const runs: Run[] = [];
    const peaks: number[] = [];
    for (let i = 0; i < sizes.reps; i++) {
      const { result, peakMB } = await peakRss(t.pids, () => once(t.ports, sizes.unpacedMB, sizes.pings, true));
      runs.push(result);
      peaks.push(peakMB);
    }
    const cpuMs = t.pids.reduce((sum, pid, i) => sum + processUsage(pid).cpuMs - cpuBefore[i], 0);
    await new Promise((r) => setTimeout(r, 1200)); // counters reach the state files once a second
    const cpuMsPerMB = cpuMs / Math.max(moved(w) - movedBefore, 1);
    const unpaced = { ...medians(runs, load), idleRssMB, loadedRssMB: median(peaks), cpuMsPerMB };
    await w.close();
    worlds.pop();

    // Paced like the real agent (the emulator's default): what AWS delivers.
    const wp = await createWorld({ knobs: { pacing: true } }, REAL_SETTINGS);
    worlds.push(wp);
    await wp.seedToken();
    const paced1 = await pacedColumn(wp, servers, 1, sizes);
    const paced4 = await pacedColumn(wp, servers, 4, sizes);
    const nodeFloor = {
      bareMB: await nodeRssMB(WORKER_NODE_FLAGS, []),
      tlsClientMB: await nodeRssMB(WORKER_NODE_FLAGS, ["net", "tls", "https", "crypto", "child_process"]),
    };
    return { direct, relay, nodeFloor, unpaced, paced1, paced4, sizes };
  } finally {
    for (const w of worlds) await w.close();
    await servers.close();
  }
}

/** MB the workers of a world moved, both directions, from their state files. */
function moved(w: World): number {
  return listStates(w.env).reduce((sum, st) => sum + (st.bytesIn + st.bytesOut) / MB, 0);
}

export function machine(): string {
  return `${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, Node ${process.version}, ${process.platform}`;
}

export async function run(): Promise<string> {
  const env = process.env;
  const sizes: BenchSizes = {
    unpacedMB: Number(env.BENCH_TUNNEL_MB) || 32,
    // 8 MB paced: a pool spreads a few seconds of transfer, not the fixed cost of opening streams (2 MB read 3.2×, 6 MB 3.6×).
    pacedMB: Number(env.BENCH_PACED_MB) || 8,
    // 5,000 echoes: the p99 of 500 is the 5th-worst echo, so one scheduler hiccup decides it; of 5,000 it is the 50th.
    pings: Number(env.BENCH_PINGS) || 5000,
    reps: Number(env.BENCH_REPS) || 5,
    pacedReps: Number(env.BENCH_PACED_REPS) || 3,
    warmupReps: Number(env.BENCH_WARMUP_REPS ?? 1),
  };
  const before = loadavg();
  const result = await measure(sizes);
  return toMarkdown(result, { before, after: loadavg() });
}
