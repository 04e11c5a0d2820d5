// The WebSocket the channel needs, narrowed so tests can hand in a fake peer.
import WebSocket from "ws";

export interface ChannelSocket {
  readonly readyState: number;
  send(data: Buffer | string, cb?: (err?: Error) => void): void;
  ping(data?: Buffer | string): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
  on(event: "open", listener: () => void): this;
  on(event: "message", listener: (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => void): this;
  on(event: "close", listener: (code: number, reason: Buffer) => void): this;
  on(event: "error", listener: (err: Error) => void): this;
  on(event: "pong", listener: () => void): this;
  removeAllListeners(): this;
}

export type Dial = (url: string) => ChannelSocket;

export const OPEN = 1;

/**
 * The largest frame we accept from Session Manager. Agent messages carry at most 1024 payload bytes (§7.4) plus the
 * 120-byte header; the biggest message MGS relays at all is 142 000 bytes (the agent's control-channel limit). Above
 * this, ws closes the socket (1009) instead of buffering up to its 100 MiB default; the channel then resumes.
 */
export const MAX_AGENT_FRAME_BYTES = 192 * 1024;

/** Dials the StreamUrl verbatim: no extra headers, no subprotocol (§3, §5). */
export const dialWebSocket: Dial = (url) =>
  new WebSocket(url, {
    perMessageDeflate: false,
    handshakeTimeout: 45_000,
    maxPayload: MAX_AGENT_FRAME_BYTES,
  }) as unknown as ChannelSocket;

export function toBuffer(data: Buffer | ArrayBuffer | Buffer[]): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/** Lets go of a socket we no longer use: no more events, closed politely if open, torn down otherwise. */
export function discardSocket(ws: ChannelSocket, graceful: boolean): void {
  ws.removeAllListeners();
  ws.on("error", () => undefined);
  if (graceful && ws.readyState === OPEN) ws.close(1000);
  else ws.terminate();
}
