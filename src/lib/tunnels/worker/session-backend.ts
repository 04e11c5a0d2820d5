// What the worker needs from Session Manager, as a narrow seam: start a port-forwarding session (API + data channel),
// and terminate it. The real implementation lives in ssm-backend.ts; tests of the worker loop can pass their own.
import type { EventEmitter } from "node:events";
import type { Socket } from "node:net";
import type { TunnelDefinition } from "../definition";

export type SessionEndReason = "channel_closed" | "resume-refused" | "terminated" | "error";

export interface SessionStats {
  connections: number;
  activeConnections: number;
  bytesIn: number;
  bytesOut: number;
}

/** A started session's data channel (PortForwardingSession): emits reconnecting, reconnected, ended(reason, detail). */
export interface ForwardingSession extends EventEmitter {
  start(): Promise<{ agentVersion: string; mode: string }>;
  /** False when the session has ended and did not take the socket. */
  handleConnection(socket: Socket): boolean;
  /** TerminateSession flag, a wait of at most timeoutMs for its ack, then the TerminateSession API. */
  terminate(timeoutMs: number): Promise<void>;
  readonly stats: SessionStats;
}

export interface OpenedSession {
  sessionId: string;
  session: ForwardingSession;
}

export interface SessionHooks {
  log: (line: string) => void;
  /** Runs before every ResumeSession (the worker waits there for a sign-in when the token is dead). */
  beforeResume: () => Promise<void>;
  /** Aborts StartSession and ResumeSession calls under way (the worker is stopping). */
  signal: AbortSignal;
}

export interface SessionBackend {
  /** StartSession and a data channel ready to start(). */
  open(def: TunnelDefinition, hooks: SessionHooks): Promise<OpenedSession>;
}
