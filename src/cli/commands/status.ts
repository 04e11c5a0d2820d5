// `stormtunnel status [--json]`: every saved tunnel with its live state (state files reconciled against processes).
import { loadTunnels } from "../../lib/tunnels/store";
import { tunnelStatuses } from "../../lib/tunnels/supervisor";
import { poolSize } from "../../lib/tunnels/definition";
import type { PoolMemberState, TunnelState } from "../../lib/tunnels/state";
import { describeRoute } from "../../lib/tunnels/route";
import type { CliCommand } from "../io";
import { formatAge, formatBytes, formatTable, parseArgs, rejectUnknown } from "./tunnel-args";

export interface StatusRow {
  id: string;
  name: string;
  status: TunnelState["status"];
  localAddress: string;
  target: string;
  profile: string;
  since?: string;
  bytesIn: number;
  bytesOut: number;
  connections: number;
  activeConnections: number;
  pid?: number;
  sessionId?: string;
  lastError?: string;
  /** Sessions the tunnel is set to keep open (its pool size). */
  poolSize: number;
  /** The pool's members while the tunnel runs: each one's session and the connections it carries. */
  sessions?: PoolMemberState[];
}

/** Saved tunnels joined with their states; states of deleted tunnels still show while their worker runs. */
export async function statusRows(env: Record<string, string | undefined>): Promise<StatusRow[]> {
  const { tunnels } = await loadTunnels(env);
  const states = new Map((await tunnelStatuses({ env })).map((s) => [s.id, s]));
  const rows: StatusRow[] = tunnels.map((t) => {
    const s = states.get(t.id);
    states.delete(t.id);
    return {
      id: t.id,
      name: t.name,
      status: s?.status ?? "stopped",
      localAddress: s?.localAddress ?? `${t.bindAddress}:${t.localPort}`,
      target: describeRoute(t),
      profile: t.profile,
      since: s?.since,
      bytesIn: s?.bytesIn ?? 0,
      bytesOut: s?.bytesOut ?? 0,
      connections: s?.connections ?? 0,
      activeConnections: s?.activeConnections ?? 0,
      pid: s?.status === "stopped" ? undefined : s?.pid,
      sessionId: s?.sessionId,
      lastError: s?.lastError,
      poolSize: poolSize(t),
      ...(s?.sessions && s.status !== "stopped" ? { sessions: s.sessions } : {}),
    };
  });
  for (const s of states.values()) {
    if (s.status === "stopped") continue;
    rows.push({
      id: s.id,
      name: s.name ?? s.id,
      status: s.status,
      localAddress: s.localAddress ?? "-",
      target: s.target ?? "-",
      profile: s.profile ?? "-",
      since: s.since,
      bytesIn: s.bytesIn,
      bytesOut: s.bytesOut,
      connections: s.connections,
      activeConnections: s.activeConnections,
      pid: s.pid,
      sessionId: s.sessionId,
      lastError: s.lastError,
      poolSize: s.sessions?.length ?? 1,
      ...(s.sessions ? { sessions: s.sessions } : {}),
    });
  }
  return rows;
}

export const statusCommand: CliCommand = async (args, io) => {
  const { flags, positionals, unknown } = parseArgs(args, { booleans: ["json"] });
  if (positionals.length) unknown.push(...positionals);
  const refused = rejectUnknown(unknown, "usage: stormtunnel status [--json]", io.stderr);
  if (refused !== undefined) return refused;
  const rows = await statusRows(io.env);
  if (flags.json) {
    io.stdout(JSON.stringify(rows, null, 2));
    return 0;
  }
  if (rows.length === 0) {
    io.stdout("No tunnels yet. Add one with: stormtunnel tunnel add --help");
    return 0;
  }
  const now = Date.now();
  const table = [["NAME", "STATUS", "LOCAL", "TARGET", "PROFILE", "SINCE", "IN", "OUT"]];
  for (const r of rows) {
    const since = r.status === "stopped" && !r.since ? "-" : formatAge(r.since, now);
    table.push([
      r.name,
      r.status,
      r.localAddress,
      r.target,
      r.profile,
      since,
      formatBytes(r.bytesIn),
      formatBytes(r.bytesOut),
    ]);
  }
  for (const line of formatTable(table)) io.stdout(line);
  for (const r of rows) {
    if (r.lastError && r.status !== "connected") io.stdout(`${r.name}: ${r.lastError}`);
  }
  for (const r of rows) for (const line of poolLines(r)) io.stdout(line);
  return 0;
};

/** A running pool of more than one session: one line per member with its session and connections. */
export function poolLines(r: StatusRow): string[] {
  const members = r.sessions ?? [];
  if (members.length < 2) return [];
  const connected = members.filter((m) => m.status === "connected").length;
  const table = members.map((m) => [
    `  ${m.slot}`,
    m.status,
    m.sessionId ?? "-",
    `${m.activeConnections} connection${m.activeConnections === 1 ? "" : "s"}`,
    `${formatBytes(m.bytesIn)} in`,
    `${formatBytes(m.bytesOut)} out`,
    m.lastError ?? "",
  ]);
  return [`${r.name}: ${connected} of ${members.length} sessions connected`, ...formatTable(table)];
}
