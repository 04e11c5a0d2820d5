// Public surface of the Session Manager client for the tunnel worker.
export { PortForwardingSession } from "./port-forwarding/port-forwarding-session";
export type { PortForwardingSessionOptions, StartedSession } from "./port-forwarding/port-forwarding-session";
export { ConnectToPortError, type ForwardingStats } from "./port-forwarding/types";
export type { EndReason } from "./channel/data-channel";
export type { HandshakeInfo } from "./channel/handshake";
export { backoffDelay, type BackoffPolicy } from "./channel/backoff";
export * from "./session-api";
export { processClientId } from "./client-id";
export { CLIENT_VERSION, forwardingModeFor, isVersionGreater, type ForwardingMode } from "./versions";
