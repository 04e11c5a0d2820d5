// What the port plugins (basic, mux) need from the data channel, and what they offer it.
import type { Socket } from "node:net";
import type { Destination } from "./destination";

export interface PluginHost {
  /** Bytes for the client, in order; chunked into ≤1024-byte Output messages by the pump. */
  emitBytes(data: Buffer): void;
  /** A Flag message for the client, ordered with the bytes around it. */
  emitFlag(flag: number): void;
  /** Ends the session (channel_closed with `output`). */
  end(reason: string, output: string): void;
  destination(): Destination;
  /** Destination sockets are paused while the client side is backed up. */
  track(socket: Socket): void;
  untrack(socket: Socket): void;
  /** A destination socket flushed its write buffer (or closed): inbound reading may resume. */
  destinationDrained(): void;
  log(operation: string, details?: Record<string, unknown>): void;
}

export interface PortPlugin {
  readonly mode: "basic" | "mux";
  /** An Output payload from the client; false means "not ready" (no ack, the client retransmits). */
  input(data: Buffer): boolean;
  flag(flag: number): void;
  /** Bytes written towards destinations but not yet flushed (the agent stops reading past its receive buffer). */
  buffered(): number;
  /** Open destination connections (streams in mux mode). */
  connections(): number;
  close(): void;
}
