// The reorder buffer (ssm-protocol.md §7.3) is bounded in bytes as well as in messages: an agent (or anything posing
// as one) flooding out-of-order messages cannot grow the worker without limit.
import { InboundSequencer, INCOMING_BUFFER_BYTES, INCOMING_BUFFER_CAPACITY } from "../../src/lib/ssm/channel/inbound";
import { PayloadType } from "../../src/lib/ssm/message";
import { agentMessage } from "./helpers/fake-socket";

function sequencer() {
  const delivered: number[] = [];
  const acked: number[] = [];
  const s = new InboundSequencer({
    deliver: (m) => (delivered.push(m.sequenceNumber), true),
    ack: (m) => acked.push(m.sequenceNumber),
  });
  return { s, delivered, acked };
}

describe("InboundSequencer", () => {
  it("holds out-of-order messages up to its byte bound, leaves the rest unacked, and delivers in order", () => {
    const { s, delivered, acked } = sequencer();
    const big = Buffer.alloc(256 * 1024, 7);
    const fits = Math.floor(INCOMING_BUFFER_BYTES / big.length);
    for (let seq = 1; seq <= fits + 10; seq++) s.receive(agentMessage(seq, PayloadType.Output, big));
    expect(s.bufferedBytes).toBeLessThanOrEqual(INCOMING_BUFFER_BYTES);
    expect(s.buffered).toBe(fits);
    expect(acked).toHaveLength(fits); // the others stay unacked: the agent sends them again later
    s.receive(agentMessage(0, PayloadType.Output, "head"));
    expect(delivered).toEqual(Array.from({ length: fits + 1 }, (_, i) => i));
    expect(s.bufferedBytes).toBe(0);
    s.receive(agentMessage(fits + 1, PayloadType.Output, big)); // the retransmission is taken now
    expect(delivered.at(-1)).toBe(fits + 1);
  });

  it("still bounds the count of small messages", () => {
    const { s } = sequencer();
    for (let seq = 1; seq <= INCOMING_BUFFER_CAPACITY + 5; seq++) s.receive(agentMessage(seq, PayloadType.Output, "x"));
    expect(s.buffered).toBe(INCOMING_BUFFER_CAPACITY);
  });
});
