// Fast paths for the acknowledge message (ssm-protocol.md §7.2): one ack per stream message made JSON.stringify,
// JSON.parse, BigInt and object churn a large share of the per-message cost. The bytes are identical to
// encodeMessage(ackFor(m)); anything but the standard shape falls back to JSON.parse.
import { HEADER_LENGTH, MessageType, parseAck, sha256, type ClientMessage } from "./message";
import { bytesAt, writeMessageId, writeRandomMessageId } from "./message";

const PAYLOAD_AT = HEADER_LENGTH + 4;
const P_TYPE = Buffer.from('{"AcknowledgedMessageType":"');
const P_ID = Buffer.from('","AcknowledgedMessageId":"');
const P_SEQ = Buffer.from('","AcknowledgedMessageSequenceNumber":');
const P_END = Buffer.from(',"IsSequentialMessage":true}');
const PLAIN_TYPE = /^[a-z_]{1,32}$/;
const PLAIN_ID = /^[0-9a-f-]{36}$/;

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

const ACK_TYPE = TEMPLATE.subarray(4, 36);

/** encodeMessage(ackFor(m)) with the given CreatedDate and MessageId (random if omitted), in one allocation. */
export function encodeAck(m: ClientMessage, createdDate: number, messageId?: string): Buffer {
  const prefix = PLAIN_ID.test(m.messageId) ? ackPrefix(m.messageType) : undefined;
  const seq = JSON.stringify(m.sequenceNumber);
  let out: Buffer;
  if (prefix) {
    // The usual case, byte-copied: prefix (type included), the id, the seq and the fixed tail.
    out = Buffer.allocUnsafe(PAYLOAD_AT + prefix.length + 36 + P_SEQ.length + seq.length + P_END.length);
    let at = PAYLOAD_AT + prefix.copy(out, PAYLOAD_AT);
    at += out.write(m.messageId, at, "latin1");
    at += P_SEQ.copy(out, at);
    at += out.write(seq, at, "latin1");
    P_END.copy(out, at);
  } else {
    const json =
      `{"AcknowledgedMessageType":${JSON.stringify(m.messageType)},"AcknowledgedMessageId":` +
      `${JSON.stringify(m.messageId)},"AcknowledgedMessageSequenceNumber":${seq},"IsSequentialMessage":true}`;
    out = Buffer.allocUnsafe(PAYLOAD_AT + Buffer.byteLength(json));
    out.write(json, PAYLOAD_AT, "utf8");
  }
  TEMPLATE.copy(out, 0);
  out.writeUInt32BE(Math.floor(createdDate / 2 ** 32), 40);
  out.writeUInt32BE(createdDate >>> 0, 44);
  if (messageId === undefined) writeRandomMessageId(out, 64);
  else writeMessageId(out, 64, messageId);
  out.writeUInt32BE(out.length - PAYLOAD_AT, 116);
  sha256(out.subarray(PAYLOAD_AT)).copy(out, 80);
  return out;
}

/** `{"AcknowledgedMessageType":"<type>","AcknowledgedMessageId":"` for the few plain types, cached. */
const prefixes = new Map<string, Buffer>();
function ackPrefix(type: string): Buffer | undefined {
  let prefix = prefixes.get(type);
  if (!prefix && PLAIN_TYPE.test(type) && prefixes.size < 16) {
    prefix = Buffer.concat([P_TYPE, Buffer.from(type), P_ID]);
    prefixes.set(type, prefix);
  }
  return prefix;
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
  if (!bytesAt(frame, 4, ACK_TYPE)) return undefined;
  if (frame.readUInt32BE(40) === 0 && frame.readUInt32BE(44) === 0) return undefined; // CreatedDate 0
  if (frame.readUInt32BE(116) !== frame.length - PAYLOAD_AT || frame.length === PAYLOAD_AT) return undefined;
  const seq = standardAckSequence(frame, PAYLOAD_AT);
  if (seq === undefined || !sha256(frame.subarray(PAYLOAD_AT)).equals(frame.subarray(80, 112))) return undefined;
  return seq;
}

/** Reads the seq when the payload (from `start`) has exactly the shape acks are sent in, so it is valid JSON. */
function standardAckSequence(p: Buffer, start: number): number | undefined {
  if (!bytesAt(p, start, P_TYPE)) return undefined;
  let i = start + P_TYPE.length;
  while (i < p.length && ((p[i] >= 0x61 && p[i] <= 0x7a) || p[i] === 0x5f)) i++;
  if (!bytesAt(p, i, P_ID)) return undefined;
  i += P_ID.length;
  const idEnd = i + 36;
  for (; i < idEnd; i++)
    if (!((p[i] >= 0x30 && p[i] <= 0x39) || (p[i] >= 0x61 && p[i] <= 0x66) || p[i] === 0x2d)) return;
  if (!bytesAt(p, i, P_SEQ)) return undefined;
  i += P_SEQ.length;
  const first = i;
  let seq = 0;
  for (; i < p.length && p[i] >= 0x30 && p[i] <= 0x39; i++) seq = seq * 10 + p[i] - 0x30;
  const digits = i - first;
  if (digits < 1 || digits > 15 || (digits > 1 && p[first] === 0x30)) return undefined;
  return bytesAt(p, i, P_END) && i + P_END.length === p.length ? seq : undefined;
}
