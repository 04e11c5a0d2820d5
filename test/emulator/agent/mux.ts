// Mux port forwarding (ssm-protocol.md §10.3): an smux v1 server over the Output byte stream. The client opens
// streams; each SYN dials the destination; FIN means full close.
import type { Socket } from "node:net";
import { Flag } from "../../../src/lib/ssm/message";
import { Cmd, encodeData, encodeFrame, FrameReader, SmuxProtocolError } from "../../../src/lib/ssm/smux/frame";
import { dial } from "./destination";
import type { PluginHost, PortPlugin } from "./plugin";

interface MuxStream {
  sid: number;
  socket?: Socket;
  finSent: boolean;
}

export class MuxPlugin implements PortPlugin {
  readonly mode = "mux" as const;
  private readonly reader = new FrameReader();
  private readonly streams = new Map<number, MuxStream>();
  private closed = false;
  /** Time of the last inbound smux frame of any kind (keepalive timeout). */
  lastInboundFrame = Date.now();
  /** Frames seen since the keepalive check last looked. */
  framesSinceCheck = 0;
  nopsSent = 0;

  constructor(private readonly host: PluginHost) {}

  input(data: Buffer): boolean {
    if (this.closed) return true;
    let frames;
    try {
      frames = this.reader.push(data);
    } catch (err) {
      const reason = err instanceof SmuxProtocolError ? err.message : String(err);
      this.host.log("smux-protocol-error", { reason });
      this.host.end("smux protocol error", "");
      return true;
    }
    for (const f of frames) {
      this.lastInboundFrame = Date.now();
      this.framesSinceCheck++;
      switch (f.cmd) {
        case Cmd.SYN:
          this.open(f.streamId);
          break;
        case Cmd.PSH:
          this.streams.get(f.streamId)?.socket?.write(f.data);
          break;
        case Cmd.FIN:
          this.finFromClient(f.streamId);
          break;
        case Cmd.NOP:
          break;
        default:
          // smux v1 treats any other command (UPD included) as a protocol error and dies.
          this.host.log("smux-protocol-error", { reason: `unknown command ${f.cmd}` });
          this.host.end("smux protocol error", "");
          return true;
      }
    }
    return true;
  }

  /** Mux agents ignore DisconnectToPort; TerminateSession is handled by the data channel. */
  flag(): void {}

  sendNop(): void {
    this.nopsSent++;
    this.host.emitBytes(encodeFrame(Cmd.NOP, 0));
  }

  connections(): number {
    return this.streams.size;
  }

  buffered(): number {
    let n = 0;
    for (const s of this.streams.values()) n += s.socket?.writableLength ?? 0;
    return n;
  }

  close(): void {
    this.closed = true;
    for (const s of this.streams.values()) s.socket?.destroy();
    this.streams.clear();
  }

  private open(sid: number): void {
    if (this.streams.has(sid)) return; // smux ignores a SYN for a live stream
    const stream: MuxStream = { sid, finSent: false };
    this.streams.set(sid, stream);
    const dest = this.host.destination();
    this.host.log("stream-open", { streamId: sid, destination: dest.label });
    const socket = dial(dest, (reason) => {
      this.host.log("dial-failed", { streamId: sid, destination: dest.label, reason });
      this.host.emitFlag(Flag.ConnectToPortError);
      this.finToClient(stream);
    });
    if (!socket) return;
    stream.socket = socket;
    this.host.track(socket);
    socket.on("data", (chunk: Buffer) => {
      if (stream.finSent) return;
      for (const frame of encodeData(sid, chunk)) this.host.emitBytes(frame);
    });
    socket.on("end", () => socket.destroySoon());
    socket.on("drain", () => this.host.destinationDrained());
    socket.on("close", () => {
      this.host.untrack(socket);
      this.host.destinationDrained();
      this.finToClient(stream);
    });
  }

  private finFromClient(sid: number): void {
    const stream = this.streams.get(sid);
    if (!stream) return;
    this.host.log("stream-fin", { streamId: sid, from: "client" });
    // Full close: flush what the client sent, drop whatever the destination still says, FIN back.
    stream.socket?.end(() => stream.socket?.destroy());
    this.finToClient(stream);
  }

  private finToClient(stream: MuxStream): void {
    if (stream.finSent) return;
    stream.finSent = true;
    if (this.streams.get(stream.sid) === stream) this.streams.delete(stream.sid);
    if (this.closed) return;
    this.host.log("stream-close", { streamId: stream.sid });
    this.host.emitBytes(encodeFrame(Cmd.FIN, stream.sid));
  }
}
