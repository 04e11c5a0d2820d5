// The ClientId of OpenDataChannelInput: one per process, the same on every reconnect (ssm-protocol.md §5).
import { randomUUID } from "node:crypto";

let clientId: string | undefined;

export function processClientId(): string {
  clientId ??= randomUUID();
  return clientId;
}
