// What the forwarders need from the data channel and share with the facade.
import type { Socket } from "node:net";
import type { ChannelHandler } from "../channel/data-channel";

/** The slice of DataChannel the forwarders use (a fake in unit tests). */
export interface ForwardingChannel {
  sendOutput(data: Buffer): void;
  sendFlag(flag: number): number;
  readonly writable: boolean;
  retryDelivery(): void;
  on(event: "drain", listener: () => void): unknown;
}

export interface ForwardingStats {
  /** Local connections handed to this session. */
  connections: number;
  /** Of those, the ones still open (including basic-mode connections waiting their turn). */
  activeConnections: number;
  /** Bytes from the agent written to local sockets. */
  bytesIn: number;
  /** Bytes read from local sockets and sent to the agent. */
  bytesOut: number;
}

export interface Forwarder extends ChannelHandler {
  handle(socket: Socket): void;
  /** Session over: drop every local connection. */
  close(): void;
}

export const CONNECT_TO_PORT_ERROR = "Connection to destination port failed, check SSM Agent logs.";

export class ConnectToPortError extends Error {
  constructor(readonly streamId?: number) {
    super(CONNECT_TO_PORT_ERROR);
    this.name = "ConnectToPortError";
  }
}
