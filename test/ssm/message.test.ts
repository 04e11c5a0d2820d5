import { decodeMessage, encodeMessage, MessageType, PayloadType, ackFor, parseAck } from "../../src/lib/ssm/message";

// ssm-protocol.md §4.3, byte for byte.
const WORKED_EXAMPLE = `
00 00 00 74 69 6e 70 75 74 5f 73 74 72 65 61 6d
5f 64 61 74 61 20 20 20 20 20 20 20 20 20 20 20
20 20 20 20 00 00 00 01 00 00 01 8b cf e5 68 00
00 00 00 00 00 00 00 05 00 00 00 00 00 00 00 00
99 aa bb cc dd ee ff 00 11 22 33 44 55 66 77 88
2c f2 4d ba 5f b0 a3 0e 26 e8 3b 2a c5 b9 e2 9e
1b 16 1e 5c 1f a7 42 5e 73 04 33 62 93 8b 98 24
00 00 00 01 00 00 00 05 68 65 6c 6c 6f`;
const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ""), "hex");

const example = {
  messageType: MessageType.InputStreamData,
  schemaVersion: 1,
  createdDate: 1700000000000,
  sequenceNumber: 5,
  flags: 0n,
  messageId: "11223344-5566-7788-99aa-bbccddeeff00",
  payloadType: PayloadType.Output,
  payload: Buffer.from("hello"),
};

describe("ClientMessage codec", () => {
  it("encodes the worked example of §4.3 byte for byte", () => {
    const bytes = encodeMessage(example);
    expect(bytes.length).toBe(125);
    expect(bytes.toString("hex")).toBe(hex(WORKED_EXAMPLE).toString("hex"));
  });

  it("decodes the worked example back to the same message", () => {
    const r = decodeMessage(hex(WORKED_EXAMPLE));
    expect(r).toEqual({ ok: true, message: example });
  });

  it("rejects a frame whose digest does not cover the payload", () => {
    const bytes = hex(WORKED_EXAMPLE);
    bytes[bytes.length - 1] ^= 1;
    expect(decodeMessage(bytes)).toEqual({ ok: false, reason: "payload digest mismatch" });
  });

  it("reads the payload at HL + 4 rather than at a fixed 120", () => {
    const r = decodeMessage(Buffer.concat([hex(WORKED_EXAMPLE), Buffer.from("x")]));
    expect(r.ok).toBe(false); // trailing garbage fails the digest, as in the official client
  });

  it("builds acks that carry the acknowledged sequence number", () => {
    const ack = ackFor(example);
    expect(ack.messageType).toBe("acknowledge");
    expect(ack.flags).toBe(3n);
    expect(ack.sequenceNumber).toBe(0);
    expect(parseAck(ack)).toEqual({
      AcknowledgedMessageType: "input_stream_data",
      AcknowledgedMessageId: "11223344-5566-7788-99aa-bbccddeeff00",
      AcknowledgedMessageSequenceNumber: 5,
      IsSequentialMessage: true,
    });
  });
});
