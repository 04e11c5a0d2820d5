// An in-memory WebSocket for channel tests: the test plays MGS + agent.
import { EventEmitter } from "node:events";
import type { ChannelSocket } from "../../../src/lib/ssm/channel/socket";
import {
  decodeMessage,
  encodeMessage,
  MessageType,
  newMessage,
  PayloadType,
  ackFor,
  type ClientMessage,
} from "../../../src/lib/ssm/message";

export class FakeSocket extends EventEmitter implements ChannelSocket {
  readyState = 0;
  texts: string[] = [];
  frames: ClientMessage[] = [];
  pings = 0;
  closedWith?: number;

  constructor(readonly url: string) {
    super();
  }

  send(data: Buffer | string): void {
    if (this.readyState !== 1) throw new Error("send on a socket that is not open");
    if (typeof data === "string") this.texts.push(data);
    else {
      const r = decodeMessage(data);
      if (!r.ok) throw new Error(`client sent a malformed frame: ${r.reason}`);
      this.frames.push(r.message);
    }
  }
  ping(): void {
    this.pings += 1;
  }
  close(code?: number): void {
    this.closedWith = code;
    this.readyState = 3;
  }
  terminate(): void {
    this.readyState = 3;
  }

  // ---- the agent side ----
  accept(): void {
    this.readyState = 1;
    this.emit("open");
  }
  drop(code = 1000): void {
    this.readyState = 3;
    this.emit("close", code, Buffer.from("Bye"));
  }
  deliver(m: ClientMessage): void {
    this.emit("message", encodeMessage(m), true);
  }
  deliverRaw(frame: Buffer): void {
    this.emit("message", frame, true);
  }
  /** Messages the client sent of a given kind. */
  data(): ClientMessage[] {
    return this.frames.filter((m) => m.messageType === MessageType.InputStreamData);
  }
  acks(): number[] {
    return this.frames
      .filter((m) => m.messageType === MessageType.Acknowledge)
      .map((m) => JSON.parse(m.payload.toString()).AcknowledgedMessageSequenceNumber as number);
  }
  ackClient(m: ClientMessage): void {
    this.deliver(ackFor(m));
  }
}

export function agentMessage(seq: number, payloadType: number, payload: Buffer | string): ClientMessage {
  return newMessage({
    messageType: MessageType.OutputStreamData,
    sequenceNumber: seq,
    flags: seq === 0 ? 1n : 0n,
    payloadType,
    payload: Buffer.isBuffer(payload) ? payload : Buffer.from(payload),
  });
}

export function handshakeRequest(agentVersion = "3.3.987.0", properties: Record<string, string> = {}): ClientMessage {
  const body = {
    AgentVersion: agentVersion,
    RequestedClientActions: [
      {
        ActionType: "SessionType",
        ActionParameters: {
          SessionType: "Port",
          Properties: { portNumber: "80", type: "LocalPortForwarding", localPortNumber: "0", ...properties },
        },
      },
    ],
  };
  return agentMessage(0, PayloadType.HandshakeRequest, JSON.stringify(body));
}

export function handshakeComplete(seq = 1): ClientMessage {
  return agentMessage(seq, PayloadType.HandshakeComplete, '{"HandshakeTimeToComplete":1234567,"CustomerMessage":""}');
}

/** A dial function that records every socket it hands out. */
export function fakeDialer(): { dial: (url: string) => FakeSocket; sockets: FakeSocket[]; last: () => FakeSocket } {
  const sockets: FakeSocket[] = [];
  return {
    dial: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s;
    },
    sockets,
    last: () => sockets[sockets.length - 1],
  };
}
