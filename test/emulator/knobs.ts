// Per-scenario switches of the emulator. Every field can be changed at runtime (emulator.knobs.x = ...).

export interface SsoKnobs {
  /** Approve /authorize and device codes without a click (headless runs, the demo). */
  autoApprove: boolean;
  accessTokenTtlSeconds: number;
  /** RegisterClient clientSecretExpiresAt - now. */
  registrationTtlSeconds: number;
  /** Access-portal (IdP) session length: refresh tokens stop working after it. */
  idpSessionTtlSeconds: number;
  deviceCodeTtlSeconds: number;
  /** Device-code polling interval handed to clients. */
  devicePollIntervalSeconds: number;
  /** Issue a new refresh token on every refresh. */
  rotateRefreshTokens: boolean;
  /** Added latency for every OIDC call (ms). */
  oidcDelayMs: number;
}

export type AgentMode = "basic" | "mux-keepalive" | "mux";

export interface AgentKnobs {
  /** AgentVersion sent in the HandshakeRequest; see agentVersionFor(). */
  agentVersion: string;
  /** The official agent's 1 KiB + 1 ms pacing (default on, as every real agent; off measures the client's own cost). */
  pacing: boolean;
  /** Session Manager idle timeout: channel_closed after this long without stream data. */
  idleTimeoutSeconds: number;
  /** Send HandshakeComplete before acking the HandshakeResponse (the order that breaks the official client). */
  reversedHandshakeOrder: boolean;
}

export interface EmulatorKnobs extends SsoKnobs, AgentKnobs {}

export const AGENT_VERSIONS: Record<AgentMode, string> = {
  basic: "3.0.196.0",
  "mux-keepalive": "3.1.0.0",
  mux: "3.3.987.0",
};

export function defaultKnobs(): EmulatorKnobs {
  return {
    autoApprove: false,
    accessTokenTtlSeconds: 3600,
    registrationTtlSeconds: 90 * 24 * 3600,
    idpSessionTtlSeconds: 8 * 3600,
    deviceCodeTtlSeconds: 600,
    devicePollIntervalSeconds: 1,
    rotateRefreshTokens: true,
    oidcDelayMs: 0,
    agentVersion: AGENT_VERSIONS.mux,
    pacing: true,
    idleTimeoutSeconds: 20 * 60,
    reversedHandshakeOrder: false,
  };
}
