// The channel_closed message MGS sends when a session ends (ssm-protocol.md §13.2).
import { randomUUID } from "node:crypto";
import { encodeMessage, MessageType, newMessage } from "../../../src/lib/ssm/message";
import type { SsmSession } from "../ssm/sessions";

export function channelClosedFrame(ssm: SsmSession, output: string): Buffer {
  const payload = {
    MessageId: randomUUID(),
    CreatedDate: new Date().toISOString(),
    DestinationId: ssm.target,
    SessionId: ssm.sessionId,
    MessageType: MessageType.ChannelClosed,
    SchemaVersion: 1,
    Output: output,
  };
  return encodeMessage(
    newMessage({ messageType: MessageType.ChannelClosed, flags: 3n, payload: Buffer.from(JSON.stringify(payload)) }),
  );
}
