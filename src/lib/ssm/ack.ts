// Fast paths for the acknowledge message (ssm-protocol.md §7.2): one ack per stream message made JSON.stringify,
// JSON.parse, BigInt and object churn a large share of the per-message cost. The bytes are identical to
// encodeMessage(ackFor(m)); anything but the standard shape falls back to JSON.parse.
import { HEADER_LENGTH, MessageType, parseAck, sha256, type ClientMessage } from "./message";
import { writeMessageId, writeRandomMessageId } from "./message";

const PAYLOAD_AT = HEADER_LENGTH + 4;
const P_TYPE = Buffer.from('{"AcknowledgedMessageType":"');
const P_ID = Buffer.from('","AcknowledgedMessageId":"');
const P_SEQ = Buffer.from('","AcknowledgedMessageSequenceNumber":');
const P_END = Buffer.from(',"IsSequentialMessage":true}');
const PLAIN_TYPE = /^[a-z_]{1,32}$/;

/** Header bytes every ack shares: type "acknowledge", schema 1, seq 0, flags 3, payload type 0. */
const TEMPLATE = (() => {
  const t = Buffer.alloc(PAYLOAD_AT);
  t.writeUInt32BE(HEADER_LENGTH, 0);
  t.fill(0x20, 4, 36);
  t.write(MessageType.Acknowledge, 4, "ascii");
  t.writeUInt32BE(1, 36);
  t.writeUInt32BE(3, 60);
  return t;
})();

/** encodeMessage(ackFor(m)) with the given CreatedDate and MessageId (random if omitted), in one allocation. */
export function encodeAck(m: ClientMessage, createdDate: number, messageId?: string): Buffer {
  const typeJson = PLAIN_TYPE.test(m.messageType) ? `"${m.messageType}"` : JSON.stringify(m.messageType);
  const idJson = /^[0-9a-f-]{36}$/.test(m.messageId) ? `"${m.messageId}"` : JSON.stringify(m.messageId);
  const json =
    `{"AcknowledgedMessageType":${typeJson},"AcknowledgedMessageId":${idJson},` +
    `"AcknowledgedMessageSequenceNumber":${JSON.stringify(m.sequenceNumber)},"IsSequentialMessage":true}`;
  const length = Buffer.byteLength(json);
  const out = Buffer.allocUnsafe(PAYLOAD_AT + length);
  TEMPLATE.copy(out, 0);
  out.writeUInt32BE(Math.floor(createdDate / 2 ** 32), 40);
  out.writeUInt32BE(createdDate >>> 0, 44);
  if (messageId === undefined) writeRandomMessageId(out, 64);
  else writeMessageId(out, 64, messageId);
  out.writeUInt32BE(length, 116);
  out.write(json, PAYLOAD_AT, "utf8");
  sha256(out.subarray(PAYLOAD_AT)).copy(out, 80);
  return out;
}

/** AcknowledgedMessageSequenceNumber, or undefined when the payload is not an ack (like parseAck). */
export function ackedSequence(m: ClientMessage): number | undefined {
  return standardAckSequence(m.payload, 0) ?? parseAck(m)?.AcknowledgedMessageSequenceNumber;
}

/**
 * The seq of a well-formed acknowledge frame in the standard shape, read in place: decodeMessage's checks (§4.2,
 * digest included) without its copies and objects. Undefined for anything else: decode it the general way.
 */
export function ackFrameSequence(frame: Buffer): number | undefined {
  if (frame.length < PAYLOAD_AT || frame.readUInt32BE(0) !== HEADER_LENGTH) return undefined;
  if (frame.compare(TEMPLATE, 4, 36, 4, 36) !== 0) return undefined; // type "acknowledge"
  if (frame.readUInt32BE(40) === 0 && frame.readUInt32BE(44) === 0) return undefined; // CreatedDate 0
  if (frame.readUInt32BE(116) !== frame.length - PAYLOAD_AT || frame.length === PAYLOAD_AT) return undefined;
  const seq = standardAckSequence(frame, PAYLOAD_AT);
  if (seq === undefined || !sha256(frame.subarray(PAYLOAD_AT)).equals(frame.subarray(80, 112))) return undefined;
  return seq;
}

/** Reads the seq when the payload (from `start`) has exactly the shape acks are sent in, so it is valid JSON. */
function standardAckSequence(p: Buffer, start: number): number | undefined {
  if (!at(p, P_TYPE, start)) return undefined;
  let i = start + P_TYPE.length;
  while (i < p.length && ((p[i] >= 0x61 && p[i] <= 0x7a) || p[i] === 0x5f)) i++;
  if (!at(p, P_ID, i)) return undefined;
  i += P_ID.length;
  const idEnd = i + 36;
  for (; i < idEnd; i++)
    if (!((p[i] >= 0x30 && p[i] <= 0x39) || (p[i] >= 0x61 && p[i] <= 0x66) || p[i] === 0x2d)) return;
  if (!at(p, P_SEQ, i)) return undefined;
  i += P_SEQ.length;
  const first = i;
  let seq = 0;
  for (; i < p.length && p[i] >= 0x30 && p[i] <= 0x39; i++) seq = seq * 10 + p[i] - 0x30;
  const digits = i - first;
  if (digits < 1 || digits > 15 || (digits > 1 && p[first] === 0x30)) return undefined;
  return at(p, P_END, i) && i + P_END.length === p.length ? seq : undefined;
}

function at(p: Buffer, bytes: Buffer, offset: number): boolean {
  return offset + bytes.length <= p.length && p.compare(bytes, 0, bytes.length, offset, offset + bytes.length) === 0;
}
