// The tunnel bench's markdown: figures side by side, each target beside the figure it judges, met or not met.
import type { Figures, TunnelBenchResult } from "./tunnel.bench";

const fmt = (n: number | undefined, digits = 2) => (n === undefined || Number.isNaN(n) ? "—" : n.toFixed(digits));
const mark = (ok: boolean) => (ok ? "✅ met" : "❌ not met");

export function toMarkdown(r: TunnelBenchResult, load: { before: number[]; after: number[] }): string {
  const { direct: d, unpaced: u, paced1: p1, paced4: p4, sizes } = r;
  const addedP50 = u.rttP50 - d.rttP50;
  const poolGain = p4.down4MBps / p1.down4MBps;
  const singleRatio = p4.down1MBps / p1.down1MBps;
  const row = (metric: string, cells: string[], target: string, verdict: string) =>
    `| ${metric} | ${cells.join(" | ")} | ${target} | ${verdict} |`;
  const all = (f: (x: Figures) => number | undefined, digits = 2) => [d, u, p1, p4].map((x) => fmt(f(x), digits));
  const rows = [
    row(
      "Load average (1 min) when the column began",
      all((x) => x.load, 1),
      "—",
      "stated",
    ),
    row(
      "Download, 1 connection (MB/s)",
      all((x) => x.down1MBps),
      "≥ 16 unpaced",
      mark(u.down1MBps >= 16),
    ),
    row(
      "Download, 4 parallel connections, total (MB/s)",
      all((x) => x.down4MBps),
      "—",
      "measured",
    ),
    row(
      "Upload, 1 connection (MB/s)",
      all((x) => x.upMBps),
      "≥ 16 unpaced",
      mark(u.upMBps >= 16),
    ),
    row(
      "Paced, 4 parallel downloads: pool 4 ÷ pool 1",
      ["", "", "1.00×", `${fmt(poolGain)}×`],
      "≥ 3.5×",
      mark(poolGain >= 3.5),
    ),
    row(
      "Paced, 1 download: pool 4 ÷ pool 1",
      ["", "", "1.00×", `${fmt(singleRatio)}×`],
      "unchanged (0.9–1.1×)",
      mark(singleRatio >= 0.9 && singleRatio <= 1.1),
    ),
    row(
      "RTT p50, 64 B echo (ms)",
      [fmt(d.rttP50, 3), `${fmt(u.rttP50, 3)} (+${fmt(addedP50, 3)})`, fmt(p1.rttP50, 3), fmt(p4.rttP50, 3)],
      "added ≤ 0.5 unpaced",
      mark(addedP50 <= 0.5),
    ),
    row(
      "RTT p99, 64 B echo (ms)",
      all((x) => x.rttP99, 3),
      "≤ 1.5 unpaced",
      mark(u.rttP99 <= 1.5),
    ),
    row(
      "200-connection fan-out, 1 KiB echo each (ms)",
      all((x) => x.fanoutMs, 0),
      "—",
      "measured",
    ),
    row(
      "Worker RSS idle (MB)",
      all((x) => x.idleRssMB, 1),
      "≤ 45 (pool 1)",
      mark((u.idleRssMB ?? Infinity) <= 45),
    ),
    row(
      "Worker RSS loaded, peak (MB)",
      all((x) => x.loadedRssMB, 1),
      "—",
      "measured",
    ),
    row(
      "Worker CPU per MB moved (ms/MB)",
      all((x) => x.cpuMsPerMB, 1),
      "—",
      "measured",
    ),
  ];
  const la = (l: number[]) => l.map((x) => x.toFixed(1)).join(" / ");
  return [
    `Load average (1 / 5 / 15 min): ${la(load.before)} at the start, ${la(load.after)} at the end. ` +
      `Medians of ${sizes.reps} repetitions direct and unpaced, ${sizes.pacedReps} paced, each column after ` +
      `${sizes.warmupReps} unmeasured warm-up repetition${sizes.warmupReps === 1 ? "" : "s"} (the JIT compiles the ` +
      "hot paths first); each ping run starts with one unmeasured exchange (on a tunnel it opens the stream). " +
      `Transfers: ${sizes.unpacedMB} MB direct/unpaced, ${sizes.pacedMB} MB paced (4 parallel connections share ` +
      `that size); ${sizes.pings} pings (100 paced). Every byte is checked: transfers against the pattern's ` +
      "SHA-256, echoes byte for byte.",
    "",
    "| Metric | Direct loopback | Tunnel, unpaced (pool 1) | Tunnel, paced, pool 1 | Tunnel, paced, pool 4 | Target | Where we stand |",
    "|---|---:|---:|---:|---:|---|---|",
    ...rows,
    "",
    `For scale, the same 64 B echo through one plain Node TCP relay process (no tunnel, no protocol) has p50 ` +
      `${fmt(r.relay.rttP50, 3)} ms and p99 ${fmt(r.relay.rttP99, 3)} ms here. The tunnel's round trip crosses three ` +
      "processes (worker, emulated agent, destination) where direct loopback crosses one; on a machine with few " +
      "cores their CPU time shows in the tail.",
    "",
    `Idle memory for scale, with the worker's V8 flags: bare Node ${fmt(r.nodeFloor.bareMB, 1)} MB; Node holding ` +
      `only net, tls, https, crypto and child_process (what any WebSocket-over-TLS worker with a helper process ` +
      `loads) ${fmt(r.nodeFloor.tlsClientMB, 1)} MB.`,
  ].join("\n");
}
