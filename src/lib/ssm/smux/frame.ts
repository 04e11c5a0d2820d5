// smux v1 frame codec (ssm-protocol.md §10.3): little-endian 8-byte header, frames reassembled from any chunking.

export const SMUX_VERSION = 1;
export const SMUX_HEADER = 8;
export const MAX_FRAME_DATA = 32768;

export const Cmd = { SYN: 0, FIN: 1, PSH: 2, NOP: 3, UPD: 4 } as const;
export type CmdValue = (typeof Cmd)[keyof typeof Cmd];

export interface SmuxFrame {
  cmd: number;
  streamId: number;
  data: Buffer;
}

export function encodeFrame(cmd: number, streamId: number, data: Buffer = Buffer.alloc(0)): Buffer {
  if (data.length > 0xffff) throw new Error(`smux frame data of ${data.length} bytes exceeds 65535`);
  const out = Buffer.alloc(SMUX_HEADER + data.length);
  out.writeUInt8(SMUX_VERSION, 0);
  out.writeUInt8(cmd, 1);
  out.writeUInt16LE(data.length, 2);
  out.writeUInt32LE(streamId >>> 0, 4);
  data.copy(out, SMUX_HEADER);
  return out;
}

/** PSH frames for `data`, each at most MAX_FRAME_DATA bytes. */
export function encodeData(streamId: number, data: Buffer): Buffer[] {
  const frames: Buffer[] = [];
  for (let at = 0; at < data.length; at += MAX_FRAME_DATA) {
    frames.push(encodeFrame(Cmd.PSH, streamId, data.subarray(at, at + MAX_FRAME_DATA)));
  }
  return frames;
}

export class SmuxProtocolError extends Error {}

/** Accumulates chunks of the smux byte stream and yields whole frames. */
export class FrameReader {
  private chunks: Buffer[] = [];
  private buffered = 0;

  push(chunk: Buffer): SmuxFrame[] {
    if (chunk.length) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
    }
    const frames: SmuxFrame[] = [];
    while (this.buffered >= SMUX_HEADER) {
      const head = this.peek(SMUX_HEADER);
      if (head[0] !== SMUX_VERSION) throw new SmuxProtocolError(`smux version ${head[0]} is not ${SMUX_VERSION}`);
      const length = head.readUInt16LE(2);
      if (this.buffered < SMUX_HEADER + length) break;
      const whole = this.take(SMUX_HEADER + length);
      frames.push({ cmd: whole[1], streamId: whole.readUInt32LE(4), data: whole.subarray(SMUX_HEADER) });
    }
    return frames;
  }

  get pending(): number {
    return this.buffered;
  }

  private peek(n: number): Buffer {
    if (this.chunks[0].length >= n) return this.chunks[0].subarray(0, n);
    this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0].subarray(0, n);
  }

  /**
   * The next n bytes: a view when they sit in one chunk (chunks are owned by the reader: callers push
   * buffers they no longer touch, e.g. decoded message payloads), otherwise one copy of the parts.
   */
  private take(n: number): Buffer {
    this.buffered -= n;
    const first = this.chunks[0];
    if (first.length >= n) {
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    const out = Buffer.allocUnsafe(n);
    let at = 0;
    while (at < n) {
      const chunk = this.chunks[0];
      const used = Math.min(chunk.length, n - at);
      chunk.copy(out, at, 0, used);
      at += used;
      if (used === chunk.length) this.chunks.shift();
      else this.chunks[0] = chunk.subarray(used);
    }
    return out;
  }
}
