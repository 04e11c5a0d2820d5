// Coalesces WebSocket writes: every frame sent in one event-loop turn leaves in a single writev syscall instead
// of one per message and per ack (the syscalls dominated the profile at 1 KiB messages).

interface Corkable {
  cork(): void;
  uncork(): void;
}

interface BatchSocket {
  send(data: Buffer | string): void;
}

/** ws keeps its net.Socket in `_socket` (an internal, absent on test fakes: those just get plain sends). */
function rawSocket(ws: BatchSocket): Corkable | undefined {
  const s = (ws as { _socket?: Partial<Corkable> })._socket;
  return s && typeof s.cork === "function" && typeof s.uncork === "function" ? (s as Corkable) : undefined;
}

export class WriteBatch {
  private corked?: Corkable;

  /** Sends now; the bytes reach the kernel at the end of the current turn (a microtask, so no added latency). */
  send(ws: BatchSocket, data: Buffer | string): void {
    if (!this.corked) {
      const raw = rawSocket(ws);
      if (raw) {
        raw.cork();
        this.corked = raw;
        queueMicrotask(() => this.flush());
      }
    }
    ws.send(data);
  }

  /** Uncorking a socket that closed meanwhile is harmless. */
  flush(): void {
    const raw = this.corked;
    this.corked = undefined;
    raw?.uncork();
  }
}
