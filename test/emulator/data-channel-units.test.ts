// Pure pieces of the emulated agent: RTO estimator (§7.5), version rules (§10.1), counted faults.
import { FaultTable } from "./agent/faults";
import { OutgoingBuffer } from "./agent/outgoing";
import { chooseMode, compareAgentRule, strictlyGreater } from "./agent/versions";

describe("OutgoingBuffer", () => {
  it("starts at RTO 200 ms and follows Jacobson/Karels on each ack, capped at 1 s", () => {
    const b = new OutgoingBuffer();
    expect(b.rto).toBe(200);
    b.add({ seq: 0, bytes: Buffer.alloc(0), lastSentTime: 1000 });
    b.ack(0, 1050); // R = 50 ms
    expect(b.rttvar).toBeCloseTo(0.25 * 50); // |100 - 50| / 4
    expect(b.srtt).toBeCloseTo(0.875 * 100 + 0.125 * 50);
    expect(b.rto).toBeCloseTo(b.srtt + 4 * b.rttvar);
    b.add({ seq: 1, bytes: Buffer.alloc(0), lastSentTime: 0 });
    b.ack(1, 60_000);
    expect(b.rto).toBe(1000);
  });

  it("uses the 10 ms clock granularity as the floor of the variance term", () => {
    const b = new OutgoingBuffer();
    for (let i = 0; i < 200; i++) {
      b.add({ seq: i, bytes: Buffer.alloc(0), lastSentTime: 0 });
      b.ack(i, 100); // R = 100 ms = SRTT: the variance decays to 0
    }
    expect(b.rto).toBeCloseTo(110, 0);
  });

  it("offers only the head, once per RTO, storing the resend time back", () => {
    const b = new OutgoingBuffer();
    b.add({ seq: 4, bytes: Buffer.from("a"), lastSentTime: 0 });
    b.add({ seq: 5, bytes: Buffer.from("b"), lastSentTime: 0 });
    expect(b.due(150)).toBeUndefined();
    expect(b.due(201)?.seq).toBe(4);
    expect(b.due(301)).toBeUndefined(); // not every tick
    expect(b.due(402)?.seq).toBe(4);
    expect(b.ack(4, 403)).toBe(true);
    expect(b.ack(4, 404)).toBe(false);
    expect(b.due(10_000)?.seq).toBe(5);
  });
});

describe("version rules", () => {
  it("compares AgentVersion like the client: 4 numeric parts or 'not greater'", () => {
    expect(strictlyGreater("3.3.987.0", "3.0.196.0")).toBe(true);
    expect(strictlyGreater("3.0.196.0", "3.0.196.0")).toBe(false);
    expect(strictlyGreater("3.3.987", "3.0.196.0")).toBe(false);
    expect(strictlyGreater("3.x.1.0", "3.0.196.0")).toBe(false);
  });

  it("compares ClientVersion like the agent: semver, else numeric with fewer parts ranking lower", () => {
    expect(compareAgentRule("1.2.677.0", "1.1.70")).toBe(1);
    expect(compareAgentRule("1.1.70", "1.1.70")).toBe(0);
    expect(compareAgentRule("1.1.70.0", "1.1.70")).toBe(1);
    expect(compareAgentRule("1.1.69", "1.1.70")).toBe(-1);
    expect(compareAgentRule("1.2.331.0", "1.2.331.0")).toBe(0);
    expect(compareAgentRule("dev", "1.1.70")).toBeUndefined();
  });

  it("chooses mux and keepalive per §10.1", () => {
    expect(chooseMode("3.3.987.0", "1.2.677.0", "LocalPortForwarding")).toEqual({ mode: "mux", keepAlive: false });
    expect(chooseMode("3.3.987.0", "1.2.331.0", "LocalPortForwarding")).toEqual({ mode: "mux", keepAlive: true });
    expect(chooseMode("3.3.987.0", "", "LocalPortForwarding")).toEqual({ mode: "basic", keepAlive: false });
    expect(chooseMode("3.3.987.0", "1.2.677.0", undefined)).toEqual({ mode: "basic", keepAlive: false });
    expect(chooseMode("3.1.0.0", "1.2.677.0", "LocalPortForwarding")).toEqual({ mode: "mux", keepAlive: true });
    expect(chooseMode("3.0.196.0", "1.2.677.0", "LocalPortForwarding")).toEqual({ mode: "basic", keepAlive: false });
  });
});

describe("FaultTable", () => {
  it("consumes counted faults and matches by direction, session and kind", () => {
    const t = new FaultTable();
    t.add({ direction: "to-client", action: "drop", count: 2, sessionId: "a" });
    expect(t.take("to-agent", "a", "stream")).toBeUndefined();
    expect(t.take("to-client", "b", "stream")).toBeUndefined();
    expect(t.take("to-client", "a", "ack")).toBeUndefined();
    expect(t.take("to-client", "a", "stream")?.action).toBe("drop");
    expect(t.take("to-client", "a", "stream")?.action).toBe("drop");
    expect(t.take("to-client", "a", "stream")).toBeUndefined();
  });
});
