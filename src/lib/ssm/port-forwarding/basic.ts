// Basic mode (ssm-protocol.md §10.2): the data channel carries the raw bytes of one local connection at
// a time; later connections wait their turn, and DisconnectToPort tells the agent when one ends.
import type { Socket } from "node:net";
import { Flag } from "../message";
import { PauseGate } from "./pause-gate";
import type { Forwarder, ForwardingChannel, ForwardingStats } from "./types";

/** Agent bytes held for a connection that is not there yet, or unwritten in a slow one, before we refuse more. */
export const BASIC_BUFFER_LIMIT = 4 * 1024 * 1024;

export interface BasicForwarderOptions {
  stats: ForwardingStats;
  log: (line: string) => void;
}

export class BasicForwarder implements Forwarder {
  private active?: { socket: Socket; gate: PauseGate };
  private readonly waiting: Socket[] = [];
  /** The agent dials at session start, so a server that speaks first is heard before any connection. */
  private early: Buffer[] = [];
  private earlyBytes = 0;
  /** After DisconnectToPort, agent bytes still in flight belong to the closed connection. */
  private stale = false;
  private closed = false;

  constructor(
    private readonly channel: ForwardingChannel,
    private readonly o: BasicForwarderOptions,
  ) {
    channel.on("drain", () => this.active?.gate.release("channel"));
  }

  handle(socket: Socket): void {
    this.o.stats.connections += 1;
    this.o.stats.activeConnections += 1;
    socket.on("error", (err) => this.o.log(`local connection: ${err.message}`));
    socket.once("close", () => {
      this.o.stats.activeConnections -= 1;
      const i = this.waiting.indexOf(socket);
      if (i >= 0) this.waiting.splice(i, 1);
      if (this.active?.socket === socket) this.finish();
    });
    if (this.active) {
      socket.pause(); // waits in line, like the accept backlog of the official client
      this.waiting.push(socket);
    } else this.activate(socket);
  }

  output(payload: Buffer): boolean {
    const active = this.active;
    if (!active) {
      if (this.stale) return true;
      if (this.earlyBytes >= BASIC_BUFFER_LIMIT) return false; // unacked: the agent resends it later
      this.early.push(payload);
      this.earlyBytes += payload.length;
      return true;
    }
    if (this.stale) return true;
    if (active.socket.writableLength >= BASIC_BUFFER_LIMIT) return false;
    this.o.stats.bytesIn += payload.length;
    if (!active.socket.write(payload)) active.gate.hold("write");
    return true;
  }

  flag(value: number): void {
    this.o.log(`ignored agent flag ${value} in basic mode`);
  }

  close(): void {
    this.closed = true;
    this.active?.socket.destroy();
    for (const s of this.waiting.splice(0)) s.destroy();
  }

  private activate(socket: Socket): void {
    const gate = new PauseGate(socket);
    this.active = { socket, gate };
    for (const b of this.early) this.o.stats.bytesIn += b.length;
    if (this.early.length) socket.write(Buffer.concat(this.early));
    this.early = [];
    this.earlyBytes = 0;
    socket.on("data", (chunk: Buffer) => {
      this.stale = false; // the agent re-dials its destination on this first Output
      this.o.stats.bytesOut += chunk.length;
      this.channel.sendOutput(chunk);
      if (!this.channel.writable) gate.hold("channel");
    });
    socket.on("drain", () => {
      gate.release("write");
      this.channel.retryDelivery();
    });
    socket.on("end", () => this.finish());
    socket.resume();
    this.channel.retryDelivery();
  }

  private finish(): void {
    const active = this.active;
    if (!active) return;
    this.active = undefined;
    if (!active.socket.destroyed) active.socket.end(() => active.socket.destroy());
    if (this.closed) return;
    this.channel.sendFlag(Flag.DisconnectToPort);
    this.stale = true;
    const next = this.waiting.shift();
    if (next) this.activate(next);
  }
}
