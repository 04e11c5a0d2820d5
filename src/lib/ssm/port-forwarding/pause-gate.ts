// A local socket reads only while nobody holds it back (channel full, stream queue full, write backlog).
import type { Socket } from "node:net";

export type PauseReason = "channel" | "queue" | "write";

export class PauseGate {
  private held = new Set<PauseReason>();

  constructor(private readonly socket: Socket) {}

  hold(reason: PauseReason): void {
    this.held.add(reason);
    this.socket.pause();
  }

  release(reason: PauseReason): void {
    if (!this.held.delete(reason) || this.held.size > 0) return;
    if (!this.socket.destroyed) this.socket.resume();
  }

  isHeld(reason: PauseReason): boolean {
    return this.held.has(reason);
  }
}
