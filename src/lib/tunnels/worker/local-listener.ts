// The tunnel's local TCP listener. It outlives sessions: while no session is attached (starting, reconnecting with a
// new session, auth-required) new connections are held paused and handed over once a session is ready.
import { createServer, type Server, type Socket } from "node:net";
import { localAddress } from "../route";

/** Returns false when the session could not take the socket (it just ended): the socket is held for the next one. */
export type ConnectionHandler = (socket: Socket) => boolean | void;

export interface LocalListenerOptions {
  bindAddress: string;
  port: number;
  /** Held connections older than this are closed: the client has most likely given up by then. */
  maxHoldMs?: number;
  log?: (line: string) => void;
}

interface Held {
  socket: Socket;
  since: number;
}

export class LocalListener {
  private server?: Server;
  private handler?: ConnectionHandler;
  private held: Held[] = [];
  private sweeper?: NodeJS.Timeout;
  private readonly sockets = new Set<Socket>();
  private closed = false;

  constructor(private readonly options: LocalListenerOptions) {}

  get listening(): boolean {
    return this.server?.listening ?? false;
  }

  get heldCount(): number {
    return this.held.length;
  }

  get address(): string {
    return localAddress({ bindAddress: this.options.bindAddress, localPort: this.options.port });
  }

  /** Opens the port; rejects with the listen error (EADDRINUSE, EACCES…), or when closed meanwhile. */
  listen(): Promise<void> {
    if (this.closed) return Promise.reject(new Error("the listener is closed"));
    // noDelay: small interactive writes (SQL, SSH) go out at once instead of waiting on Nagle + delayed ACK.
    const server = createServer({ pauseOnConnect: true, noDelay: true }, (socket) => this.accept(socket));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen({ host: this.options.bindAddress, port: this.options.port, exclusive: true }, () => {
        server.off("error", reject);
        server.on("error", (err) => this.options.log?.(`listener error: ${err.message}`));
        // Closed while the port was being bound (the worker was told to stop): it must not stay open.
        if (this.closed) return server.close(() => reject(new Error("the listener is closed")));
        resolve();
      });
    });
  }

  /** Routes new (and held) connections to a session. */
  attach(handler: ConnectionHandler): void {
    this.handler = handler;
    const waiting = this.held.splice(0);
    if (waiting.length) this.options.log?.(`handing ${waiting.length} held connection(s) to the new session`);
    for (const h of waiting) if (!h.socket.destroyed) this.handOff(h.socket, handler);
  }

  /** From now on connections are held until the next attach(). */
  detach(): void {
    this.handler = undefined;
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.once("close", () => {
      this.sockets.delete(socket);
      this.held = this.held.filter((h) => h.socket !== socket);
    });
    socket.on("error", () => undefined); // the session logs stream errors; a held socket's reset needs no log
    if (this.handler) return this.handOff(socket, this.handler);
    this.hold(socket);
  }

  /**
   * Sockets arrive paused (pauseOnConnect) so no byte is read before a session owns them. The session decides when to
   * read: a basic-mode session keeps a queued connection paused until its turn, so resuming it here would lose bytes.
   */
  private handOff(socket: Socket, handler: ConnectionHandler): void {
    if (handler(socket) === false) {
      if (this.handler === handler) this.handler = undefined;
      this.hold(socket);
    }
  }

  private hold(socket: Socket): void {
    this.held.push({ socket, since: Date.now() });
    this.sweeper ??= setInterval(() => this.sweep(), 1000);
    this.sweeper.unref();
  }

  private sweep(): void {
    const limit = Date.now() - (this.options.maxHoldMs ?? 120_000);
    for (const h of this.held) if (h.since < limit) h.socket.destroy();
    if (this.held.length === 0 && this.sweeper) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
  }

  /** Stops accepting and closes every local connection (held or attached); the listener cannot listen again. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.sweeper) clearInterval(this.sweeper);
    this.handler = undefined;
    for (const s of this.sockets) s.destroy();
    this.held = [];
    const server = this.server;
    if (server?.listening) await new Promise<void>((r) => server.close(() => r()));
  }
}
