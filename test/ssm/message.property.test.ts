import fc from "fast-check";
import { decodeMessage, encodeMessage, type ClientMessage } from "../../src/lib/ssm/message";

const uuid = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => {
  const h = Buffer.from(b).toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
});

const messageArb: fc.Arbitrary<ClientMessage> = fc.record({
  messageType: fc.stringMatching(/^[a-z_]{1,32}$/),
  schemaVersion: fc.integer({ min: 0, max: 0xffffffff }),
  createdDate: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
  sequenceNumber: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  flags: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
  messageId: uuid,
  payloadType: fc.integer({ min: 0, max: 0xffffffff }),
  payload: fc.uint8Array({ maxLength: 3000 }).map((b) => Buffer.from(b)),
});
const nonEmpty = messageArb.filter((m) => m.payload.length > 0);

const rejected = (frame: Buffer) => {
  const r = decodeMessage(frame);
  return !r.ok;
};

describe("ClientMessage codec properties", () => {
  it("round-trips every message", () => {
    fc.assert(
      fc.property(messageArb, (m) => expect(decodeMessage(encodeMessage(m))).toEqual({ ok: true, message: m })),
    );
  });

  it("pads the type with spaces and always writes HL 116 and the digest", () => {
    fc.assert(
      fc.property(messageArb, (m) => {
        const f = encodeMessage(m);
        expect(f.readUInt32BE(0)).toBe(116);
        expect(f.subarray(4 + m.messageType.length, 36).every((b) => b === 0x20)).toBe(true);
        expect(f.readUInt32BE(116)).toBe(m.payload.length);
      }),
    );
  });

  it("rejects every truncated frame", () => {
    fc.assert(
      fc.property(messageArb, fc.nat(), (m, n) => {
        const f = encodeMessage(m);
        return rejected(f.subarray(0, n % f.length));
      }),
    );
  });

  it("rejects any header length other than 116", () => {
    fc.assert(
      fc.property(messageArb, fc.integer({ min: 0, max: 0xffffffff }), (m, hl) => {
        fc.pre(hl !== 116);
        const f = encodeMessage(m);
        f.writeUInt32BE(hl, 0);
        return rejected(f);
      }),
    );
  });

  it("rejects a zero CreatedDate and an empty (space or NUL) type", () => {
    fc.assert(
      fc.property(messageArb, fc.constantFrom(0x20, 0x00), (m, pad) => {
        const zeroDate = encodeMessage(m);
        zeroDate.writeBigUInt64BE(0n, 40);
        const noType = encodeMessage(m);
        noType.fill(pad, 4, 36);
        return rejected(zeroDate) && rejected(noType);
      }),
    );
  });

  it("rejects a wrong digest and a corrupted payload", () => {
    fc.assert(
      fc.property(nonEmpty, fc.nat(), fc.integer({ min: 1, max: 255 }), (m, at, x) => {
        const badDigest = encodeMessage(m);
        badDigest[80 + (at % 32)] ^= x;
        const badPayload = encodeMessage(m);
        badPayload[120 + (at % m.payload.length)] ^= x;
        return rejected(badDigest) && rejected(badPayload);
      }),
    );
  });

  it("rejects trailing garbage, with or without a payload", () => {
    fc.assert(
      fc.property(messageArb, fc.uint8Array({ minLength: 1, maxLength: 64 }), (m, extra) =>
        rejected(Buffer.concat([encodeMessage(m), Buffer.from(extra)])),
      ),
    );
  });

  it("never throws, whatever the bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        decodeMessage(Buffer.from(bytes));
      }),
    );
    fc.assert(
      fc.property(
        messageArb,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
        (m, edits) => {
          const f = encodeMessage(m);
          for (const [at, v] of edits) f[at % f.length] = v;
          decodeMessage(f);
        },
      ),
    );
  });
});
