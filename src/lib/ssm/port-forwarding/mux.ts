// Mux mode (ssm-protocol.md §10.3): every local connection is one smux stream, so many run at once.
import type { Socket } from "node:net";
import type { Clock } from "../clock";
import { Flag } from "../message";
import { SmuxSession } from "../smux/session";
import type { SmuxStream } from "../smux/stream";
import { PauseGate } from "./pause-gate";
import { ConnectToPortError, type Forwarder, type ForwardingChannel, type ForwardingStats } from "./types";

export interface MuxForwarderOptions {
  keepalive: boolean;
  clock?: Clock;
  stats: ForwardingStats;
  log: (line: string) => void;
  onConnectionError: (err: ConnectToPortError, socket: Socket) => void;
  /** The smux session died (keepalive timeout, protocol error): the data channel is useless now. */
  onFatal: (reason: string) => void;
  streamHighWater?: number;
  keepaliveIntervalMs?: number;
  keepaliveTimeoutMs?: number;
}

export class MuxForwarder implements Forwarder {
  private readonly smux: SmuxSession;
  private readonly sockets = new Map<SmuxStream, Socket>();
  /** ConnectToPortError flags not yet matched to a stream; the agent sends the flag, then FIN (§6.3). */
  private unmatchedErrors = 0;
  /** The last stream the agent closed without sending a byte, in case its flag arrives after the FIN. */
  private lastEmptyFin?: { stream: SmuxStream; socket: Socket };

  constructor(
    private readonly channel: ForwardingChannel,
    private readonly o: MuxForwarderOptions,
  ) {
    this.smux = new SmuxSession({
      write: (bytes) => channel.sendOutput(bytes),
      canWrite: () => channel.writable,
      keepalive: o.keepalive,
      clock: o.clock,
      streamHighWater: o.streamHighWater,
      keepaliveIntervalMs: o.keepaliveIntervalMs,
      keepaliveTimeoutMs: o.keepaliveTimeoutMs,
    });
    this.smux.on("close", (reason: string) => {
      if (reason !== "closed") o.onFatal(reason);
    });
    channel.on("drain", () => this.smux.pump());
  }

  output(payload: Buffer): boolean {
    this.smux.receive(payload);
    return true;
  }

  flag(value: number): void {
    if (value !== Flag.ConnectToPortError) return this.o.log(`ignored agent flag ${value}`);
    const last = this.lastEmptyFin;
    this.lastEmptyFin = undefined;
    if (last) this.reportRefused(last.stream, last.socket);
    else this.unmatchedErrors += 1;
  }

  handle(socket: Socket): void {
    const { stats } = this.o;
    const stream = this.smux.openStream();
    this.sockets.set(stream, socket);
    stats.connections += 1;
    stats.activeConnections += 1;
    const gate = new PauseGate(socket);
    socket.on("data", (chunk: Buffer) => {
      stats.bytesOut += chunk.length;
      if (!stream.write(chunk)) gate.hold("queue");
    });
    stream.on("drain", () => gate.release("queue"));
    stream.on("data", (data: Buffer) => {
      if (socket.destroyed || socket.writableEnded) return;
      stats.bytesIn += data.length;
      if (!socket.write(data)) gate.hold("write");
    });
    socket.on("drain", () => gate.release("write"));
    stream.on("fin", () => {
      if (stream.receivedBytes === 0) this.onEmptyFin(stream, socket);
      stream.close(); // full close (§10.3): the local side goes too, once our writes are flushed
      if (!socket.destroyed) socket.end(() => socket.destroy());
    });
    socket.on("end", () => stream.close());
    socket.on("error", (err) => this.o.log(`local connection on stream ${stream.id}: ${err.message}`));
    socket.on("close", () => {
      stream.close();
      this.sockets.delete(stream);
      stats.activeConnections -= 1;
    });
    // The listener hands sockets over paused (nothing read before a session owns them): reading starts here.
    socket.resume();
  }

  close(): void {
    this.smux.close();
    for (const socket of this.sockets.values()) socket.destroy();
  }

  private onEmptyFin(stream: SmuxStream, socket: Socket): void {
    if (this.unmatchedErrors > 0) {
      this.unmatchedErrors -= 1;
      this.reportRefused(stream, socket);
    } else this.lastEmptyFin = { stream, socket };
  }

  /** Only this connection fails; the other streams carry on. */
  private reportRefused(stream: SmuxStream, socket: Socket): void {
    const err = new ConnectToPortError(stream.id);
    this.o.log(`stream ${stream.id}: ${err.message}`);
    socket.destroy();
    this.o.onConnectionError(err, socket);
  }
}
