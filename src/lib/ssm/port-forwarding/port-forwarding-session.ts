// The facade the tunnel worker uses: one Session Manager session's data channel, forwarding the local
// TCP connections the worker hands it. The worker owns the listener, so it outlives a replaced session.
import { EventEmitter } from "node:events";
import type { Socket } from "node:net";
import { DataChannel, type DataChannelOptions, type EndReason } from "../channel/data-channel";
import type { HandshakeInfo } from "../channel/handshake";
import { systemClock, type Clock } from "../clock";
import { forwardingModeFor, smuxKeepaliveFor, terminateFlagSupported, type ForwardingMode } from "../versions";
import { BasicForwarder } from "./basic";
import { MuxForwarder } from "./mux";
import type { ConnectToPortError, Forwarder, ForwardingStats } from "./types";

export interface PortForwardingSessionOptions {
  sessionId: string;
  /** From StartSession; reused verbatim on every reconnect (§12). */
  streamUrl: string;
  tokenValue: string;
  /** One per process, e.g. randomUUID() at startup. */
  clientId: string;
  /** ResumeSession for this session: the new TokenValue, or undefined when the session is gone. */
  resume: () => Promise<string | undefined>;
  /** TerminateSession API, called by terminate() after the flag (§13.1). */
  terminateSession?: () => Promise<void>;
  logger?: (line: string) => void;
  now?: () => number;
  clock?: Clock;
  /** Test seams and tuning, passed to the data channel. */
  channel?: Partial<Pick<DataChannelOptions, "dial" | "random" | "backoff" | "pingIntervalMs" | "highWaterBytes">>;
  /** Test seam: shorter smux keepalive periods (only used when the agent keeps keepalive on). */
  smuxKeepalive?: { intervalMs: number; timeoutMs: number };
}

export interface StartedSession {
  agentVersion: string;
  mode: ForwardingMode;
  /** Handshake properties: localPortNumber (the port to listen on, "0"/"" = any), portNumber, host, type. */
  properties: Record<string, string>;
  customerMessage: string;
}

/**
 * Events: "handshake"(HandshakeInfo), "reconnecting"(attempt, delayMs), "reconnected",
 * "ended"(reason: "channel_closed" | "resume-refused" | "terminated" | "error", detail: string),
 * "connection-error"(ConnectToPortError) for one refused local connection.
 */
export class PortForwardingSession extends EventEmitter {
  readonly stats: ForwardingStats = { connections: 0, activeConnections: 0, bytesIn: 0, bytesOut: 0 };
  private readonly channel: DataChannel;
  private readonly log: (line: string) => void;
  private readonly clock: Clock;
  private forwarder?: Forwarder;
  private started?: StartedSession;
  private endedWith?: { reason: EndReason; detail: string };

  constructor(private readonly o: PortForwardingSessionOptions) {
    super();
    const prefix = `session ${o.sessionId}: `;
    const logger = o.logger;
    this.log = logger ? (line) => logger(prefix + line) : () => undefined;
    this.clock = o.clock ?? (o.now ? { ...systemClock, now: o.now } : systemClock);
    this.channel = new DataChannel({
      streamUrl: o.streamUrl,
      tokenValue: o.tokenValue,
      clientId: o.clientId,
      resume: o.resume,
      clock: this.clock,
      logger: this.log,
      ...o.channel,
    });
    this.channel.on("handshake", (info: HandshakeInfo) => this.emit("handshake", info));
    this.channel.on("reconnecting", (attempt: number, delayMs: number) => {
      this.log(`reconnecting (attempt ${attempt}, in ${delayMs} ms)`);
      this.emit("reconnecting", attempt, delayMs);
    });
    this.channel.on("reconnected", () => {
      this.log("reconnected");
      this.emit("reconnected");
    });
    this.channel.on("ended", (reason: EndReason, detail: string) => this.onEnded(reason, detail));
  }

  /** Opens the data channel; resolves after HandshakeComplete, when local connections may be handed over. */
  async start(): Promise<StartedSession> {
    const ready = await this.channel.open();
    const mode = forwardingModeFor(ready.agentVersion);
    if (ready.properties.type && ready.properties.type !== "LocalPortForwarding") {
      this.log(`session type ${ready.properties.type} is not LocalPortForwarding; forwarding anyway`);
    }
    this.forwarder =
      mode === "mux"
        ? new MuxForwarder(this.channel, {
            keepalive: smuxKeepaliveFor(ready.agentVersion),
            clock: this.clock,
            stats: this.stats,
            log: this.log,
            onConnectionError: (err: ConnectToPortError) => this.emit("connection-error", err),
            onFatal: (reason) => this.channel.close("error", reason),
            keepaliveIntervalMs: this.o.smuxKeepalive?.intervalMs,
            keepaliveTimeoutMs: this.o.smuxKeepalive?.timeoutMs,
          })
        : new BasicForwarder(this.channel, { stats: this.stats, log: this.log });
    this.channel.setHandler(this.forwarder);
    this.started = {
      agentVersion: ready.agentVersion,
      mode,
      properties: ready.properties,
      customerMessage: ready.customerMessage,
    };
    this.log(`agent ${ready.agentVersion}, ${mode} mode`);
    return this.started;
  }

  /**
   * Forwards an accepted local connection. Returns false (and leaves the socket alone) when the session
   * is not started or has ended, so the worker can keep it for the next session.
   */
  handleConnection(socket: Socket): boolean {
    if (!this.forwarder || this.endedWith) return false;
    socket.setNoDelay(true); // like Go's sockets in the official client: small replies are not held back by Nagle
    this.forwarder.handle(socket);
    return true;
  }

  /** TerminateSession flag (mux always; basic iff the agent understands it), a brief wait for its ack, then the API. */
  async terminate(timeoutMs = 1500): Promise<void> {
    const started = this.started;
    if (!this.endedWith) {
      if (started && terminateFlagSupported(started.agentVersion, started.mode))
        await this.channel.terminate(timeoutMs);
      else this.channel.close("terminated", "terminated by the client");
    }
    try {
      await this.o.terminateSession?.();
    } catch (err) {
      this.log(`TerminateSession failed: ${err instanceof Error ? err.name : "unknown error"}`);
    }
  }

  get mode(): ForwardingMode | undefined {
    return this.started?.mode;
  }

  get ended(): { reason: EndReason; detail: string } | undefined {
    return this.endedWith;
  }

  private onEnded(reason: EndReason, detail: string): void {
    this.endedWith = { reason, detail };
    this.forwarder?.close();
    this.log(`ended (${reason})${detail ? `: ${detail}` : ""}`);
    this.emit("ended", reason, detail);
  }
}
