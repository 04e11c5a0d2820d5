// The real Session Manager backend: StartSession / ResumeSession / TerminateSession with the tunnel's role
// credentials and a PortForwardingSession data channel. A fresh SDK client per call, so credentials always come
// from the token on disk now (a re-login is picked up at once; the SDK's own memo would keep stale ones).
import { randomUUID } from "node:crypto";
import type { SSMClient } from "@aws-sdk/client-ssm";
import { ssmClient } from "../../aws/ssm-client";
import { PortForwardingSession, resumeSession, startPortForwardingSession, terminateSession } from "../../ssm";
import type { TunnelDefinition } from "../definition";
import type { SessionBackend } from "./session-backend";
import type { TunnelAuth } from "./tunnel-auth";

/** SSM's answers for role credentials it no longer takes. */
const STALE_CREDENTIALS = new Set(["ExpiredTokenException", "UnrecognizedClientException"]);

/** Stable for the process: the data channel presents the same ClientId on every reconnect (§5). */
const CLIENT_ID = randomUUID();

export function createSsmBackend(auth: TunnelAuth, def: TunnelDefinition): SessionBackend {
  const region = def.region ?? auth.region;
  async function withClient<T>(fn: (client: SSMClient) => Promise<T>): Promise<T> {
    try {
      return await once(fn);
    } catch (err) {
      if (!STALE_CREDENTIALS.has((err as { name?: string })?.name ?? "")) throw err;
      // Refused as expired or unknown although they looked valid here (clock skew, a revoked role session): the
      // role credentials are renewed once, so a tunnel outlives its credentials without a sign-in.
      auth.renewCredentials();
      return once(fn);
    }
  }
  async function once<T>(fn: (client: SSMClient) => Promise<T>): Promise<T> {
    const client = ssmClient(region, auth.credentials(), auth.endpoints);
    try {
      return await fn(client);
    } finally {
      client.destroy();
    }
  }

  return {
    async open(tunnel, hooks) {
      const started = await withClient((client) =>
        startPortForwardingSession(
          client,
          {
            target: tunnel.target,
            portNumber: tunnel.remotePort,
            host: tunnel.remoteHost,
            localPortNumber: tunnel.localPort,
            roleName: auth.roleName,
            reason: `StormTunnel: ${tunnel.name}`,
          },
          { abortSignal: hooks.signal },
        ),
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
          const token = await withClient((client) => resumeSession(client, sessionId, { abortSignal: hooks.signal }));
          hooks.log(`ResumeSession ${sessionId}: ${token ? "resumed" : "session is gone"}`);
          return token;
        },
        terminateSession: () => withClient((client) => terminateSession(client, sessionId)),
        logger: hooks.log,
      });
      return { sessionId, session };
    },
  };
}
