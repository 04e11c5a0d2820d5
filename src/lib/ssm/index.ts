// Public surface of the Session Manager client for the tunnel worker.
//
//   const client = new SSMClient({ region, credentials, endpoint });          // from src/lib/aws
//   const s = await startPortForwardingSession(client, { target, portNumber, host });
//   const session = new PortForwardingSession({
//     sessionId: s.sessionId, streamUrl: s.streamUrl, tokenValue: s.tokenValue, clientId: processClientId(),
//     resume: () => resumeSession(client, s.sessionId),
//     terminateSession: () => terminateSession(client, s.sessionId),
//     logger: (line) => log(line),
//   });
//   session.on("ended", (reason, detail) => …);   // start a new session; keep the listener
//   const { mode, properties } = await session.start();
//   server.on("connection", (socket) => session.handleConnection(socket) || holdForNextSession(socket));
//   await session.terminate();                       // flag + ack wait + TerminateSession API
export { PortForwardingSession } from "./port-forwarding/port-forwarding-session";
export type { PortForwardingSessionOptions, StartedSession } from "./port-forwarding/port-forwarding-session";
export { ConnectToPortError, type ForwardingStats } from "./port-forwarding/types";
export type { EndReason } from "./channel/data-channel";
export type { HandshakeInfo } from "./channel/handshake";
export { backoffDelay, type BackoffPolicy } from "./channel/backoff";
export * from "./session-api";
export { processClientId } from "./client-id";
export { CLIENT_VERSION, forwardingModeFor, isVersionGreater, type ForwardingMode } from "./versions";
