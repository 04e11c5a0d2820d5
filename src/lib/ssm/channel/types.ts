// The data channel's options, events and the handler interface of the layer above.
import type { Clock } from "../clock";
import type { BackoffPolicy } from "./backoff";
import type { HandshakeInfo } from "./handshake";
import type { Dial } from "./socket";

export type EndReason = "channel_closed" | "resume-refused" | "terminated" | "error";

/** The data channel ended before it was ready (open() rejects with this); the message is for a person. */
export class ChannelEndedError extends Error {
  constructor(
    readonly reason: EndReason,
    readonly detail: string,
  ) {
    super(
      reason === "channel_closed"
        ? `Session Manager closed the session${detail ? `: ${detail}` : ""}`
        : detail || `the data channel ended (${reason})`,
    );
    this.name = "ChannelEndedError";
  }
}

export interface DataChannelOptions {
  streamUrl: string;
  tokenValue: string;
  /** Generated once per process; the same on every reconnect (§5). */
  clientId: string;
  /** ResumeSession: the new TokenValue, or undefined when the session has ended. */
  resume: () => Promise<string | undefined>;
  dial?: Dial;
  clock?: Clock;
  random?: () => number;
  newId?: () => string;
  logger?: (line: string) => void;
  backoff?: Partial<BackoffPolicy>;
  /** WebSocket ping period (≤ 5 min, §5); a period with no inbound frame at all counts as a dead socket. */
  pingIntervalMs?: number;
  handshakeTimeoutMs?: number;
  /** Unacked bytes above which `writable` turns false; "drain" fires below half of it. */
  highWaterBytes?: number;
}

/** What the layer above (port forwarding) handles. */
export interface ChannelHandler {
  /** Output payload; false = not ready: it stays unacked (or buffered) until retryDelivery(). */
  output(payload: Buffer): boolean;
  flag(value: number): void;
}

export interface ReadyInfo extends HandshakeInfo {
  customerMessage: string;
}
