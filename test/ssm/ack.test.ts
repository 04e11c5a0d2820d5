import { ackedSequence, ackFrameSequence, encodeAck } from "../../src/lib/ssm/ack";
import {
  ackFor,
  decodeMessage,
  encodeMessage,
  MessageType,
  newMessage,
  parseAck,
  PayloadType,
} from "../../src/lib/ssm/message";

const ID = "11223344-5566-7788-99aa-bbccddeeff00";
const acked = (fields: Partial<Parameters<typeof newMessage>[0]> = {}) =>
  newMessage({
    messageType: MessageType.OutputStreamData,
    sequenceNumber: 42,
    payloadType: PayloadType.Output,
    ...fields,
  });

describe("ack fast paths (§7.2)", () => {
  it("encodeAck writes the same bytes as encodeMessage(ackFor(m))", () => {
    for (const m of [
      acked(),
      acked({ sequenceNumber: 0 }),
      acked({ sequenceNumber: 2 ** 40 + 3 }),
      acked({ messageType: 'we"ird\\type' }),
      acked({ messageId: "not-a-uuid" }),
      acked({ messageType: MessageType.InputStreamData, sequenceNumber: 5 }),
    ]) {
      const slow = ackFor(m);
      slow.createdDate = 1700000000123;
      slow.messageId = ID;
      expect(encodeAck(m, 1700000000123, ID).toString("hex")).toBe(encodeMessage(slow).toString("hex"));
    }
  });

  it("ackedSequence agrees with parseAck on standard and odd payloads", () => {
    const payloads = [
      ackFor(acked()).payload.toString(),
      ackFor(acked({ sequenceNumber: 0 })).payload.toString(),
      '{"AcknowledgedMessageSequenceNumber":7}',
      ' {"AcknowledgedMessageType":"x","AcknowledgedMessageId":"' + ID + '","AcknowledgedMessageSequenceNumber":7}',
      '{"AcknowledgedMessageType":"x","AcknowledgedMessageId":"' +
        ID +
        '","AcknowledgedMessageSequenceNumber":07,"IsSequentialMessage":true}',
      '{"AcknowledgedMessageType":"x","AcknowledgedMessageId":"' +
        ID +
        '","AcknowledgedMessageSequenceNumber":7,"IsSequentialMessage":true}x',
      '{"AcknowledgedMessageSequenceNumber":"7"}',
      "null",
      "",
    ];
    for (const p of payloads) {
      const m = newMessage({ messageType: MessageType.Acknowledge, payload: Buffer.from(p) });
      expect(ackedSequence(m)).toBe(parseAck(m)?.AcknowledgedMessageSequenceNumber);
    }
  });

  it("frames without a given MessageId get fresh random version-4 UUIDs", () => {
    const ids = new Set<string>();
    for (let i = 0; i < 600; i++) {
      const { messageId, ...rest } = acked({ sequenceNumber: i });
      const frame = i % 2 ? encodeAck(acked(), 1700000000123) : encodeMessage(rest);
      const decoded = decodeMessage(frame);
      if (!decoded.ok) throw new Error(decoded.reason);
      expect(decoded.message.messageId).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      );
      expect(decoded.message.messageId).not.toBe(messageId);
      ids.add(decoded.message.messageId);
    }
    expect(ids.size).toBe(600);
  });

  it("ackFrameSequence reads valid acks in place and never accepts what the general decode would not", () => {
    const generic = (frame: Buffer) => {
      const d = decodeMessage(frame);
      return d.ok && d.message.messageType === MessageType.Acknowledge ? ackedSequence(d.message) : undefined;
    };
    const good = encodeAck(acked({ sequenceNumber: 123456 }), 1700000000123);
    expect(ackFrameSequence(good)).toBe(123456);
    let seed = 7;
    const rand = (n: number) => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n;
    for (let i = 0; i < 3000; i++) {
      const bad = Buffer.from(good);
      bad[rand(bad.length)] ^= 1 << rand(8);
      const fast = ackFrameSequence(bad);
      if (fast !== undefined) expect(fast).toBe(generic(bad));
    }
    expect(ackFrameSequence(good.subarray(0, good.length - 1))).toBeUndefined();
    expect(ackFrameSequence(encodeMessage({ ...acked(), payload: Buffer.from("x") }))).toBeUndefined();
  });
});
