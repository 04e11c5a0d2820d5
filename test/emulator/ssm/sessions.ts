// Sessions started through the SSM API: shared truth between the SSM JSON API and the data-channel agent.
import { randomBytes } from "node:crypto";

export const PORT_DOCUMENTS = {
  "AWS-StartPortForwardingSession": { requires: [] as string[] },
  "AWS-StartPortForwardingSessionToRemoteHost": { requires: ["host"] },
} as const;
export type PortDocument = keyof typeof PORT_DOCUMENTS;

export interface SsmSession {
  sessionId: string;
  target: string;
  documentName: PortDocument;
  /** The document's `properties` after parameter substitution (what the HandshakeRequest carries). */
  properties: { portNumber: string; type: "LocalPortForwarding"; localPortNumber: string; host?: string };
  /** Every token issued for this session (StartSession, ResumeSession); any of them opens the data channel. */
  tokens: string[];
  streamUrl: string;
  status: "Connected" | "Terminated";
  endReason?: string;
  startedAt: number;
  accountId: string;
  roleName: string;
}

export type SessionEndListener = (session: SsmSession, output: string) => void;

export class SessionRegistry {
  readonly sessions = new Map<string, SsmSession>();
  private readonly endListeners: SessionEndListener[] = [];

  add(session: SsmSession): void {
    this.sessions.set(session.sessionId, session);
  }

  /** Ends a session once; listeners (the data channel) send channel_closed with `output`. */
  end(sessionId: string, reason: string, output = ""): boolean {
    const s = this.sessions.get(sessionId);
    if (!s || s.status === "Terminated") return false;
    s.status = "Terminated";
    s.endReason = reason;
    for (const l of this.endListeners) l(s, output);
    return true;
  }

  onEnd(listener: SessionEndListener): void {
    this.endListeners.push(listener);
  }

  acceptsToken(sessionId: string, token: string): boolean {
    const s = this.sessions.get(sessionId);
    return !!s && s.status === "Connected" && token !== "" && s.tokens.includes(token);
  }
}

/** Session IDs look like `<role session name>-<17 hex digits>`, as AWS issues them. */
export function newSessionId(prefix: string): string {
  return `${prefix}-${randomBytes(9).toString("hex").slice(0, 17)}`;
}

/** Opaque, long, and secret: it authenticates the data channel. */
export function newToken(): string {
  return randomBytes(96).toString("base64");
}
