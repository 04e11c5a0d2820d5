// A tunnel as the worker builds it: real SSM API calls through @aws-sdk/client-ssm against the emulator,
// a PortForwardingSession, and a loopback listener handing connections to it.
import { randomUUID } from "node:crypto";
import { createServer, connect, type Server, type Socket, type AddressInfo } from "node:net";
import type { SSMClient } from "@aws-sdk/client-ssm";
import type { Emulator } from "../../emulator/index";
import { issueCredentials, ssmClient } from "../../emulator/support/aws";
import {
  PortForwardingSession,
  type PortForwardingSessionOptions,
} from "../../../src/lib/ssm/port-forwarding/port-forwarding-session";
import { resumeSession, startPortForwardingSession, terminateSession } from "../../../src/lib/ssm/session-api";

export interface Tunnel {
  session: PortForwardingSession;
  sessionId: string;
  port: number;
  logs: string[];
  client: SSMClient;
  close(): Promise<void>;
}

const CLIENT_ID = randomUUID();

export async function openTunnel(
  emu: Emulator,
  destPort: number,
  options: Partial<Pick<PortForwardingSessionOptions, "channel" | "smuxKeepalive">> & { host?: string } = {},
): Promise<Tunnel & { started: Awaited<ReturnType<PortForwardingSession["start"]>> }> {
  const client = ssmClient(emu, issueCredentials(emu));
  const started = await startPortForwardingSession(client, {
    target: "i-0123456789abcdef0",
    portNumber: destPort,
    host: options.host,
  });
  const logs: string[] = [];
  const session = new PortForwardingSession({
    sessionId: started.sessionId,
    streamUrl: started.streamUrl,
    tokenValue: started.tokenValue,
    clientId: CLIENT_ID,
    resume: () => resumeSession(client, started.sessionId),
    terminateSession: () => terminateSession(client, started.sessionId),
    logger: (l) => logs.push(l),
    channel: options.channel,
    smuxKeepalive: options.smuxKeepalive,
  });
  const info = await session.start();
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
    if (!session.handleConnection(s)) s.destroy();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return {
    session,
    sessionId: started.sessionId,
    port: (server.address() as AddressInfo).port,
    logs,
    client,
    started: info,
    close: async () => {
      await session.terminate(500);
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
      client.destroy();
    },
  };
}

/** Writes `data`, reads until as many bytes came back, then closes. */
export function echoThrough(port: number, data: Buffer, timeoutMs = 20_000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    let got = 0;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`echo timed out after ${got}/${data.length} bytes`));
    }, timeoutMs);
    socket.on("data", (d: Buffer) => {
      chunks.push(d);
      got += d.length;
      if (got >= data.length) {
        clearTimeout(timer);
        socket.destroy();
        resolve(Buffer.concat(chunks));
      }
    });
    socket.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    socket.on("close", () => {
      clearTimeout(timer);
      if (got < data.length) reject(new Error(`connection closed after ${got}/${data.length} bytes`));
    });
    socket.write(data);
  });
}

export function waitFor(cond: () => boolean, timeoutMs = 10_000, what = "condition"): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = () => {
      if (cond()) return resolve();
      if (Date.now() - started > timeoutMs) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 10);
    };
    tick();
  });
}

export function pattern(size: number, seed: number): Buffer {
  const b = Buffer.alloc(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}
