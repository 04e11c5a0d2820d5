// ClientMessage codec (ssm-protocol.md §4): bytes <-> message, pure, never throws on bad input.
import * as crypto from "node:crypto";
import { createHash, randomFillSync, randomUUID } from "node:crypto";

export const HEADER_LENGTH = 116; // offset of PayloadLength; the payload starts at HL + 4
const TYPE_FIELD = 32;
const MIN_FRAME = 120;
const EMPTY_DIGEST = createHash("sha256").digest();

// One-shot hashing (Node ≥ 20.12) is about twice as fast as createHash for 1 KiB payloads.
const oneShot = (crypto as { hash?: (alg: string, data: Buffer, enc: "buffer") => Buffer }).hash;
export const sha256 = oneShot
  ? (data: Buffer) => oneShot("sha256", data, "buffer")
  : (data: Buffer) => createHash("sha256").update(data).digest();

export const MessageType = {
  InputStreamData: "input_stream_data",
  OutputStreamData: "output_stream_data",
  Acknowledge: "acknowledge",
  ChannelClosed: "channel_closed",
  StartPublication: "start_publication",
  PausePublication: "pause_publication",
} as const;

export const PayloadType = {
  Unset: 0,
  Output: 1,
  Error: 2,
  Size: 3,
  Parameter: 4,
  HandshakeRequest: 5,
  HandshakeResponse: 6,
  HandshakeComplete: 7,
  EncChallengeRequest: 8,
  EncChallengeResponse: 9,
  Flag: 10,
  StdErr: 11,
  ExitCode: 12,
} as const;

export const Flag = { DisconnectToPort: 1, TerminateSession: 2, ConnectToPortError: 3 } as const;

export interface ClientMessage {
  messageType: string;
  schemaVersion: number;
  /** Unix epoch milliseconds. */
  createdDate: number;
  sequenceNumber: number;
  flags: bigint;
  /** Canonical lowercase UUID string (un-swapped). */
  messageId: string;
  payloadType: number;
  payload: Buffer;
}

export type DecodeResult = { ok: true; message: ClientMessage } | { ok: false; reason: string };

export function newMessage(fields: Partial<ClientMessage> & Pick<ClientMessage, "messageType">): ClientMessage {
  return {
    schemaVersion: 1,
    createdDate: Date.now(),
    sequenceNumber: 0,
    flags: 0n,
    messageId: randomUUID(),
    payloadType: PayloadType.Unset,
    payload: Buffer.alloc(0),
    ...fields,
  };
}

/** Without a messageId, a fresh random one is written (cheaper than randomUUID() parsed back from hex). */
export function encodeMessage(m: Omit<ClientMessage, "messageId"> & { messageId?: string }): Buffer {
  const out = Buffer.allocUnsafe(MIN_FRAME + m.payload.length); // every byte is written below
  out.writeUInt32BE(HEADER_LENGTH, 0);
  typeField(m.messageType).copy(out, 4);
  out.writeUInt32BE(m.schemaVersion, 36);
  writeInt64(out, 40, m.createdDate, false);
  writeInt64(out, 48, m.sequenceNumber, true);
  if (m.flags === 0n) out.fill(0, 56, 64);
  else out.writeBigUInt64BE(m.flags, 56);
  if (m.messageId === undefined) writeRandomMessageId(out, 64);
  else writeMessageId(out, 64, m.messageId);
  (m.payload.length ? sha256(m.payload) : EMPTY_DIGEST).copy(out, 80);
  out.writeUInt32BE(m.payloadType, 112);
  out.writeUInt32BE(m.payload.length, 116);
  m.payload.copy(out, MIN_FRAME);
  return out;
}

/** The space-padded 32-byte type field, cached: only a handful of types exist. */
const typeFields = new Map<string, Buffer>();
function typeField(messageType: string): Buffer {
  let field = typeFields.get(messageType);
  if (!field) {
    const type = Buffer.from(messageType, "ascii");
    if (type.length === 0 || type.length > TYPE_FIELD)
      throw new Error(`message type must be 1-32 bytes: ${messageType}`);
    field = Buffer.alloc(TYPE_FIELD, 0x20);
    type.copy(field);
    if (typeFields.size < 64) typeFields.set(messageType, field);
  }
  return field;
}

/** Integers (safe range) without BigInt, which cost more than the rest of the header together. */
function writeInt64(out: Buffer, at: number, value: number, signed: boolean): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    if (signed) out.writeBigInt64BE(BigInt(value), at);
    else out.writeBigUInt64BE(BigInt(value), at);
    return;
  }
  out.writeUInt32BE(Math.floor(value / 2 ** 32), at);
  out.writeUInt32BE(value >>> 0, at + 4);
}

/** Same value as Number(readBig(U)Int64BE): the sum is exact below 2^53 and rounded once above. */
function readInt64(frame: Buffer, at: number, signed: boolean): number {
  const hi = signed ? frame.readInt32BE(at) : frame.readUInt32BE(at);
  return hi * 2 ** 32 + frame.readUInt32BE(at + 4);
}

const KNOWN_TYPES = Object.values(MessageType).map((t) => ({ t, field: typeField(t) }));

/** Whether `bytes` sit at `offset` of `b`: a plain loop, since Buffer#compare with offsets costs more for a few dozen bytes. */
export function bytesAt(b: Buffer, offset: number, bytes: Buffer): boolean {
  if (offset + bytes.length > b.length) return false;
  for (let i = 0; i < bytes.length; i++) if (b[offset + i] !== bytes[i]) return false;
  return true;
}

/** The type field as the official client reads it (NULs removed, trimmed); the usual padded types by compare. */
function readType(frame: Buffer): string {
  for (const { t, field } of KNOWN_TYPES) if (bytesAt(frame, 4, field)) return t;
  return frame
    .subarray(4, 4 + TYPE_FIELD)
    .toString("latin1")
    .replace(/\0/g, "")
    .trim();
}

/**
 * Decodes one frame. Follows the official client's validation (§4.2): publication messages skip checks;
 * otherwise HL, type and CreatedDate must be set and the digest must cover everything after the header.
 * The payload is copied so callers may keep it after the socket reuses its buffer (§15 item 15).
 * `checkDigest` false: the agent's rules, which never look at the digest.
 */
export function decodeMessage(frame: Buffer, checkDigest = true): DecodeResult {
  if (frame.length < 4) return { ok: false, reason: "frame shorter than its header length field" };
  const hl = frame.readUInt32BE(0);
  if (frame.length < MIN_FRAME) return { ok: false, reason: `frame of ${frame.length} bytes is shorter than a header` };
  const messageType = readType(frame);
  const isPublication = messageType === MessageType.StartPublication || messageType === MessageType.PausePublication;
  const payloadStart = hl + 4;
  if (!isPublication) {
    if (hl === 0) return { ok: false, reason: "header length is 0" };
    if (!messageType) return { ok: false, reason: "message type is empty" };
  }
  if (payloadStart < MIN_FRAME || payloadStart > frame.length) {
    if (!isPublication) return { ok: false, reason: `header length ${hl} does not fit a ${frame.length}-byte frame` };
  }
  const createdDate = readInt64(frame, 40, false);
  if (!isPublication && createdDate === 0) return { ok: false, reason: "created date is 0" };
  const payloadLength = frame.readUInt32BE(116);
  const start = Math.min(Math.max(payloadStart, MIN_FRAME), frame.length);
  const rest = frame.subarray(start);
  if (!isPublication && payloadLength !== rest.length) {
    return {
      ok: false,
      reason: `payload length ${payloadLength} does not match the ${rest.length} bytes after the header`,
    };
  }
  if (checkDigest && !isPublication && payloadLength !== 0) {
    const digest = sha256(rest);
    if (!digest.equals(frame.subarray(80, 112))) return { ok: false, reason: "payload digest mismatch" };
  }
  const payload = Buffer.from(rest.subarray(0, Math.min(payloadLength, rest.length)));
  return {
    ok: true,
    message: {
      messageType,
      schemaVersion: frame.readUInt32BE(36),
      createdDate,
      sequenceNumber: readInt64(frame, 48, true),
      flags: frame.readUInt32BE(56) === 0 && frame.readUInt32BE(60) === 0 ? 0n : frame.readBigUInt64BE(56),
      messageId: readMessageId(frame, 64),
      payloadType: frame.readUInt32BE(112),
      payload,
    },
  };
}

/** Wire order is the UUID's low half, then its high half (§4.1). */
export function writeMessageId(out: Buffer, at: number, id: string): void {
  const hex =
    id.length === 36 ? id.slice(0, 8) + id.slice(9, 13) + id.slice(14, 18) + id.slice(19, 23) + id.slice(24) : id;
  // Buffer#write stops at the first non-hex pair, so a short count means a malformed id.
  if (
    hex.length !== 32 ||
    out.write(hex.slice(16), at, "hex") !== 8 ||
    out.write(hex.slice(0, 16), at + 8, "hex") !== 8
  ) {
    throw new Error(`invalid message id: ${id}`);
  }
}

let idPool = Buffer.alloc(0);
let idPoolAt = 0;

/** A random version-4 UUID in wire order (§4.1: bytes 8-15 first, then 0-7), from a pooled randomFillSync. */
export function writeRandomMessageId(out: Buffer, at: number): void {
  if (idPoolAt >= idPool.length) {
    idPool = randomFillSync(Buffer.allocUnsafe(16 * 256));
    idPoolAt = 0;
  }
  idPool.copy(out, at, idPoolAt, idPoolAt + 16);
  idPoolAt += 16;
  out[at] = (out[at] & 0x3f) | 0x80; // UUID byte 8: the RFC 4122 variant
  out[at + 14] = (out[at + 14] & 0x0f) | 0x40; // UUID byte 6: version 4
}

function readMessageId(frame: Buffer, at: number): string {
  const hex = frame.toString("hex", at + 8, at + 16) + frame.toString("hex", at, at + 8);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function flagPayload(flag: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(flag, 0);
  return b;
}

export interface AcknowledgeContent {
  AcknowledgedMessageType: string;
  AcknowledgedMessageId: string;
  AcknowledgedMessageSequenceNumber: number;
  IsSequentialMessage: boolean;
}

/** The acknowledge message for `m` (§7.2): seq 0, flags 3, payload type 0. */
export function ackFor(m: ClientMessage): ClientMessage {
  const content: AcknowledgeContent = {
    AcknowledgedMessageType: m.messageType,
    AcknowledgedMessageId: m.messageId,
    AcknowledgedMessageSequenceNumber: m.sequenceNumber,
    IsSequentialMessage: true,
  };
  return newMessage({
    messageType: MessageType.Acknowledge,
    flags: 3n,
    payloadType: PayloadType.Unset,
    payload: Buffer.from(JSON.stringify(content)),
  });
}

export function parseAck(m: ClientMessage): AcknowledgeContent | undefined {
  try {
    const v = JSON.parse(m.payload.toString("utf8")) as AcknowledgeContent;
    return typeof v.AcknowledgedMessageSequenceNumber === "number" ? v : undefined;
  } catch {
    return undefined;
  }
}
