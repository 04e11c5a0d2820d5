import { ackedSequence, encodeAck } from "../../src/lib/ssm/ack";
import { ackFor, encodeMessage, MessageType, newMessage, parseAck, PayloadType } from "../../src/lib/ssm/message";

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
});
