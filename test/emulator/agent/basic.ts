// Basic port forwarding (ssm-protocol.md §10.2): one destination connection, dialed at session start, re-dialed on
// the next Output after DisconnectToPort or after the destination closed.
import type { Socket } from "node:net";
import { Flag } from "../../../src/lib/ssm/message";
import { dial } from "./destination";
import type { PluginHost, PortPlugin } from "./plugin";

export class BasicPlugin implements PortPlugin {
  readonly mode = "basic" as const;
  private socket: Socket | undefined;
  private closed = false;

  constructor(private readonly host: PluginHost) {
    this.connect();
  }

  input(data: Buffer): boolean {
    if (this.closed) return true;
    if (!this.socket) this.connect();
    this.socket?.write(data);
    return true;
  }

  flag(flag: number): void {
    if (flag !== Flag.DisconnectToPort) return;
    this.host.log("disconnect-to-port", { connected: !!this.socket });
    this.drop();
  }

  connections(): number {
    return this.socket ? 1 : 0;
  }

  buffered(): number {
    return this.socket?.writableLength ?? 0;
  }

  close(): void {
    this.closed = true;
    this.drop();
  }

  private connect(): void {
    const dest = this.host.destination();
    this.host.log("dial", { destination: dest.label });
    const socket = dial(dest, (reason) => {
      this.host.log("dial-failed", { destination: dest.label, reason });
      if (this.socket === socket) this.socket = undefined;
      // A basic-mode agent cannot report a failed dial; its plugin fails with this output and the session ends.
      this.host.end("destination refused", `Unable to connect to specified port: ${reason}`);
    });
    if (!socket) return;
    this.socket = socket;
    this.host.track(socket);
    socket.on("data", (chunk: Buffer) => {
      if (this.socket === socket) this.host.emitBytes(chunk);
    });
    socket.on("drain", () => this.host.destinationDrained());
    socket.on("close", () => {
      this.host.untrack(socket);
      this.host.destinationDrained();
      // The client is never told; the next Output re-dials.
      if (this.socket === socket) this.socket = undefined;
    });
  }

  private drop(): void {
    const s = this.socket;
    this.socket = undefined;
    if (s) {
      this.host.untrack(s);
      s.destroySoon();
    }
  }
}
