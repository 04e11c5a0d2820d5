// Switches shared by every session of one emulator; DataChannelControls writes them, sessions read them.
import type { FaultTable } from "./faults";

export interface AgentTiming {
  keepAliveIntervalMs: number;
  keepAliveTimeoutMs: number;
  handshakeTimeoutMs: number;
}

/** How an agent misbehaves, for the client's error paths (every new session reads it when it starts). */
export interface AgentBehaviour {
  /** The HandshakeRequest: a proper one, none at all, one that is not JSON, or one for a shell session. */
  handshake: "normal" | "none" | "not-json" | "wrong-session-type";
  /** channel_closed this long after HandshakeComplete, on every session (a plugin that fails at once). */
  closeAfterHandshakeMs?: number;
}

export interface SharedState {
  faults: FaultTable;
  timing: AgentTiming;
  behaviour: AgentBehaviour;
  /** Ack suppression: by session id, "*" for all; a number counts down, Infinity holds until released. */
  withheldAcks: Map<string, number>;
  /** Close the socket after this many more output_stream_data transmissions. */
  closeAfter: Map<string, { remaining: number; abrupt: boolean }>;
}

/** The rule for this session if there is one, else the one for every session ("*"). */
export function ruleKey(rules: Map<string, unknown>, sessionId: string): string | undefined {
  return rules.has(sessionId) ? sessionId : rules.has("*") ? "*" : undefined;
}
