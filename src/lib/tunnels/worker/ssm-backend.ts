// The real Session Manager backend: StartSession / ResumeSession / TerminateSession as the tunnel's role (made by the
// worker's AWS helper process) and a PortForwardingSession data channel in the worker itself.
import { randomUUID } from "node:crypto";
import { PortForwardingSession } from "../../ssm/port-forwarding/port-forwarding-session";
import type { TunnelDefinition } from "../definition";
import type { SessionBackend } from "./session-backend";
import type { TunnelAuth } from "./tunnel-auth";

/** Stable for the process: the data channel presents the same ClientId on every reconnect (§5). */
const CLIENT_ID = randomUUID();

export function createSsmBackend(auth: TunnelAuth, def: TunnelDefinition): SessionBackend {
  const target = auth.ssmTarget(def.region ?? auth.region);
  const { aws } = auth;
  return {
    async open(tunnel, hooks) {
      const started = await aws.startSession(
        target,
        {
          target: tunnel.target,
          portNumber: tunnel.remotePort,
          host: tunnel.remoteHost,
          localPortNumber: tunnel.localPort,
          roleName: auth.roleName,
          reason: `StormTunnel: ${tunnel.name}`,
        },
        hooks.signal,
      );
      const { sessionId } = started;
      hooks.log(`StartSession: ${sessionId}`);
      const session = new PortForwardingSession({
        sessionId,
        streamUrl: started.streamUrl,
        tokenValue: started.tokenValue,
        clientId: CLIENT_ID,
        resume: async () => {
          await hooks.beforeResume();
          const token = await aws.resumeSession(target, sessionId, hooks.signal);
          hooks.log(`ResumeSession ${sessionId}: ${token ? "resumed" : "session is gone"}`);
          return token;
        },
        terminateSession: () => aws.terminateSession(target, sessionId),
        logger: hooks.log,
      });
      return { sessionId, session };
    },
  };
}
