// The data channel: "MGS + agent" behind the StreamUrl (ssm-protocol.md §14), plus fault-injection controls.
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type RawData, type WebSocket } from "ws";
import type { EmulatedService, EmulatorContext } from "../context";
import type { SsmControls } from "../ssm/service";
import { FaultTable, seededRandom, type MessageFault } from "./faults";
import { AgentSession, type AgentTiming, type OpenInfo, type SessionStats, type SharedState } from "./session";
import type { AgentBehaviour } from "./shared";

const PATH = /^\/v1\/data-channel\/([^/?]+)$/;

export interface DataChannelSessionView {
  sessionId: string;
  target: string;
  documentName: string;
  mode: "handshake" | "basic" | "mux";
  keepAlive: boolean;
  ended: boolean;
  connectedSockets: number;
  /** Open destination connections (smux streams in mux mode). */
  connections: number;
  clientVersion?: string;
  lastClientId?: string;
  lastRequestId?: string;
  /** ClientVersion of the last OpenDataChannelInput (not what the agent decides on). */
  openClientVersion?: string;
  stats: SessionStats;
}

export interface DataChannelControls {
  sessions(): DataChannelSessionView[];
  session(sessionId: string): DataChannelSessionView | undefined;
  /** Close the client's WebSocket(s): 1000 "Bye" like MGS, or abruptly (1006). Returns sockets closed. */
  closeSocket(options?: { sessionId?: string; abrupt?: boolean }): number;
  /** Answer the next `count` WebSocket upgrades (for a session, or any) with HTTP 503 instead of connecting. */
  refuseConnections(count: number, options?: { sessionId?: string }): void;
  /** Close mid-transfer: after `afterMessages` more output_stream_data transmissions. */
  closeSocketAfter(afterMessages: number, options?: { sessionId?: string; abrupt?: boolean }): void;
  addMessageFault(fault: MessageFault): void;
  clearMessageFaults(): void;
  /** Reseeds the RNG used by probabilistic faults. */
  seed(seed: number): void;
  /** Do not ack client messages: the next `count` of them, or all until releaseAcks(). */
  withholdAcks(options?: { sessionId?: string; count?: number }): void;
  releaseAcks(sessionId?: string): void;
  /** Dials to host:port (the name as the session names it, or the address) are refused. */
  refuseDestination(hostPort: string): void;
  /** ResumeSession answers without a token for this session (or for all). */
  refuseResume(sessionId?: string): void;
  /** pause_publication / start_publication: the agent stops or resumes sending and retransmitting. */
  pausePublication(sessionId: string): void;
  startPublication(sessionId: string): void;
  /**
   * Send `frames` Output messages of `bytes` each, numbered far ahead of the session (so out of order for good): a
   * flood that only the client's reorder buffer can hold. stats.floodAcked counts the ones it took. `corrupt`: with
   * a PayloadDigest that does not match, so the client must drop every one.
   */
  floodOutOfOrder(sessionId: string, options: { frames: number; bytes: number; corrupt?: boolean }): void;
  /** End a session now: channel_closed with `output`, as MGS does. */
  endSession(sessionId: string, output?: string): boolean;
  /** Timings of smux keepalive and the handshake; shorten them in tests. */
  timing: AgentTiming;
  /** Agent misbehaviour for new sessions (a missing or unreadable handshake, a session that closes at once). */
  behaviour: AgentBehaviour;
}

export function createDataChannelService(
  ctx: EmulatorContext,
  ssm: SsmControls,
): EmulatedService & { controls: DataChannelControls } {
  const wss = new WebSocketServer({ noServer: true });
  const sessions = new Map<string, AgentSession>();
  const shared: SharedState = {
    faults: new FaultTable(),
    timing: { keepAliveIntervalMs: 10_000, keepAliveTimeoutMs: 30_000, handshakeTimeoutMs: 15_000 },
    behaviour: { handshake: "normal" },
    withheldAcks: new Map(),
    closeAfter: new Map(),
  };

  const refusals: { sessionId?: string; remaining: number; status: number }[] = [];

  ssm.registry.onEnd((s, output) => sessions.get(s.sessionId)?.terminate(output));

  function log(sessionId: string, operation: string, details?: Record<string, unknown>): void {
    ctx.log({
      service: "data-channel",
      operation,
      method: "WS",
      path: `/v1/data-channel/${sessionId}`,
      status: 101,
      request: details,
    });
  }

  function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(req.url ?? "/", "http://emulator");
    const m = PATH.exec(url.pathname);
    if (!m) return false;
    const sessionId = decodeURIComponent(m[1]);
    const refusal = refusals.find((r) => r.remaining > 0 && (!r.sessionId || r.sessionId === sessionId));
    if (refusal) {
      // A failed dial as the client sees it during an outage: the upgrade is answered with an error.
      refusal.remaining--;
      log(sessionId, "connect-refused", { status: refusal.status });
      socket.end(`HTTP/1.1 ${refusal.status} Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return true;
    }
    wss.handleUpgrade(req, socket, head, (ws) => accept(ws, sessionId));
    return true;
  }

  function accept(ws: WebSocket, sessionId: string): void {
    log(sessionId, "connect");
    let session: AgentSession | undefined;
    ws.on("error", () => undefined);
    ws.on("message", (data: RawData, isBinary: boolean) => {
      const buf = toBuffer(data);
      if (session) {
        try {
          session.onFrame(ws, buf, isBinary);
        } catch (err) {
          log(sessionId, "agent-error", { error: String(err) });
        }
        return;
      }
      const open = isBinary ? undefined : parseOpen(buf);
      if (!open || !ssm.registry.acceptsToken(sessionId, open.token)) {
        // MGS authenticates with the first TEXT frame; anything else ends the connection.
        log(sessionId, "open-refused", {
          clientId: open?.info.clientId,
          requestId: open?.info.requestId,
          binary: isBinary,
        });
        ws.close(1008, "Unauthorized");
        return;
      }
      session = sessions.get(sessionId);
      if (!session) {
        session = new AgentSession(ctx, ssm.sessions.get(sessionId)!, ssm.registry, shared);
        sessions.set(sessionId, session);
      }
      session.attach(ws, open.info);
    });
  }

  const view = (s: AgentSession): DataChannelSessionView => ({
    sessionId: s.id,
    target: s.ssm.target,
    documentName: s.ssm.documentName,
    mode: s.mode,
    keepAlive: s.keepAlive,
    ended: s.ended,
    connectedSockets: s.sockets.length,
    connections: s.plugin?.connections() ?? 0,
    clientVersion: s.clientVersion,
    lastClientId: s.lastOpen.clientId,
    lastRequestId: s.lastOpen.requestId,
    openClientVersion: s.lastOpen.clientVersion,
    stats: { ...s.stats },
  });

  const selected = (sessionId?: string) => [...sessions.values()].filter((s) => !sessionId || s.id === sessionId);

  const controls: DataChannelControls = {
    sessions: () => [...sessions.values()].map(view),
    session: (id) => {
      const s = sessions.get(id);
      return s && view(s);
    },
    closeSocket: ({ sessionId, abrupt = false } = {}) =>
      selected(sessionId).reduce((n, s) => n + s.closeSockets(abrupt), 0),
    closeSocketAfter: (afterMessages, { sessionId, abrupt = false } = {}) => {
      shared.closeAfter.set(sessionId ?? "*", { remaining: afterMessages, abrupt });
    },
    refuseConnections: (count, { sessionId } = {}) => {
      refusals.push({ sessionId, remaining: count, status: 503 });
    },
    addMessageFault: (f) => shared.faults.add(f),
    clearMessageFaults: () => shared.faults.clear(),
    seed: (seed) => {
      shared.faults.random = seededRandom(seed);
    },
    withholdAcks: ({ sessionId, count = Infinity } = {}) => {
      shared.withheldAcks.set(sessionId ?? "*", count);
    },
    releaseAcks: (sessionId) => {
      shared.withheldAcks.delete(sessionId ?? "*");
      if (!sessionId) shared.withheldAcks.clear();
    },
    refuseDestination: (hostPort) => ctx.directory.refusedDestinations.add(hostPort),
    refuseResume: (sessionId) => {
      if (!sessionId) ssm.refuseResume = true;
      else if (ssm.refuseResume !== true) {
        ssm.refuseResume = ssm.refuseResume instanceof Set ? ssm.refuseResume : new Set();
        ssm.refuseResume.add(sessionId);
      }
    },
    pausePublication: (id) => sessions.get(id)?.setPublication(true),
    startPublication: (id) => sessions.get(id)?.setPublication(false),
    floodOutOfOrder: (id, { frames, bytes, corrupt }) => sessions.get(id)?.flood(frames, bytes, corrupt),
    endSession: (id, output = "") => ssm.endSession(id, "ended by test", output),
    timing: shared.timing,
    behaviour: shared.behaviour,
  };

  return {
    name: "data-channel",
    classify: () => undefined,
    handle: () => undefined,
    upgrade,
    controls,
    close: async () => {
      for (const s of sessions.values()) s.dispose();
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
    },
  };
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

function parseOpen(buf: Buffer): { token: string; info: OpenInfo } | undefined {
  try {
    const v = JSON.parse(buf.toString("utf8")) as Record<string, unknown>;
    const str = (k: string) => (typeof v[k] === "string" ? (v[k] as string) : undefined);
    return {
      token: str("TokenValue") ?? "",
      info: { clientId: str("ClientId"), requestId: str("RequestId"), clientVersion: str("ClientVersion") },
    };
  } catch {
    return undefined;
  }
}
