// The client half of smux v1 over a SpecClient, enough to open streams, send data and watch what comes back.
import { Flag, PayloadType } from "../../../src/lib/ssm/message";
import { Cmd, encodeData, encodeFrame, FrameReader, type SmuxFrame } from "../../../src/lib/ssm/smux/frame";
import type { SpecClient } from "./spec-client";

export class SmuxClient {
  private nextId = 1;
  private readonly reader = new FrameReader();
  private consumed = 0;
  /** Every frame except PSH data, which is kept per stream (cheap to poll during bulk transfers). */
  readonly frames: (SmuxFrame & { length: number })[] = [];
  private readonly data = new Map<number, { chunks: Buffer[]; length: number }>();
  /** Flag values (e.g. ConnectToPortError) interleaved with the frames, with the frame count at that point. */
  readonly flags: { flag: number; afterFrames: number }[] = [];

  constructor(private readonly client: SpecClient) {}

  /** Parses whatever the client has delivered since the last call. */
  poll(): void {
    const delivered = this.client.delivered;
    for (; this.consumed < delivered.length; this.consumed++) {
      const m = delivered[this.consumed];
      if (m.payloadType === PayloadType.Output) for (const f of this.reader.push(m.payload)) this.record(f);
      else if (m.payloadType === PayloadType.Flag)
        this.flags.push({ flag: m.payload.readUInt32BE(0), afterFrames: this.frames.length });
    }
  }

  /** Stream ids as the official client allocates them: 3, 5, 7, … */
  open(): number {
    this.nextId += 2;
    this.send(encodeFrame(Cmd.SYN, this.nextId));
    return this.nextId;
  }

  write(sid: number, data: Buffer): void {
    this.send(Buffer.concat(encodeData(sid, data)));
  }

  fin(sid: number): void {
    this.send(encodeFrame(Cmd.FIN, sid));
  }

  /** Concatenates frames into the Output byte stream, chunked at 1024 bytes like the official client's pump. */
  send(bytes: Buffer): void {
    this.client.sendOutput(bytes);
  }

  received(sid: number): Buffer {
    this.poll();
    const d = this.data.get(sid);
    if (!d) return Buffer.alloc(0);
    if (d.chunks.length > 1) d.chunks = [Buffer.concat(d.chunks)];
    return d.chunks[0];
  }

  receivedLength(sid: number): number {
    this.poll();
    return this.data.get(sid)?.length ?? 0;
  }

  private record(f: SmuxFrame): void {
    this.frames.push({ ...f, data: f.cmd === Cmd.PSH ? Buffer.alloc(0) : f.data, length: f.data.length });
    if (f.cmd !== Cmd.PSH) return;
    const d = this.data.get(f.streamId) ?? { chunks: [], length: 0 };
    d.chunks.push(f.data);
    d.length += f.data.length;
    this.data.set(f.streamId, d);
  }

  finished(sid: number): boolean {
    this.poll();
    return this.frames.some((f) => f.streamId === sid && f.cmd === Cmd.FIN);
  }

  nops(): number {
    this.poll();
    return this.frames.filter((f) => f.cmd === Cmd.NOP).length;
  }

  connectErrors(): number {
    this.poll();
    return this.flags.filter((f) => f.flag === Flag.ConnectToPortError).length;
  }
}
