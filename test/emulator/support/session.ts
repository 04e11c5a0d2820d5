// Test plumbing: an emulator, a started session and a connected spec client, all torn down together.
import { StartSessionCommand } from "@aws-sdk/client-ssm";
import { startEmulator, type Emulator, type EmulatorOptions } from "../index";
import { issueCredentials, ssmClient } from "./aws";
import { SpecClient, type SpecClientOptions } from "./spec-client";

export interface StartedSession {
  sessionId: string;
  token: string;
  streamUrl: string;
}

export async function startPortSession(
  emu: Emulator,
  portNumber: number,
  { host, instanceId = "i-0123456789abcdef0" }: { host?: string; instanceId?: string } = {},
): Promise<StartedSession> {
  const ssm = ssmClient(emu, issueCredentials(emu));
  try {
    const out = await ssm.send(
      new StartSessionCommand({
        Target: instanceId,
        DocumentName: host ? "AWS-StartPortForwardingSessionToRemoteHost" : "AWS-StartPortForwardingSession",
        Parameters: { portNumber: [String(portNumber)], localPortNumber: ["15432"], ...(host ? { host: [host] } : {}) },
      }),
    );
    return { sessionId: out.SessionId!, token: out.TokenValue!, streamUrl: out.StreamUrl! };
  } finally {
    ssm.destroy();
  }
}

/** Tracks what a test opened so afterEach can close it all. */
export class Harness {
  emu!: Emulator;
  private clients: SpecClient[] = [];
  private cleanups: (() => Promise<void>)[] = [];

  async start(options: EmulatorOptions = {}): Promise<Emulator> {
    this.emu = await startEmulator(options);
    return this.emu;
  }

  async connect(session: StartedSession, options: SpecClientOptions = {}): Promise<SpecClient> {
    const client = new SpecClient(session.streamUrl, options);
    this.clients.push(client);
    await client.open(session.token);
    return client;
  }

  onCleanup(fn: () => Promise<void>): void {
    this.cleanups.push(fn);
  }

  async stop(): Promise<void> {
    for (const c of this.clients.splice(0)) await c.close();
    await this.emu?.close();
    for (const fn of this.cleanups.splice(0)) await fn();
  }
}
