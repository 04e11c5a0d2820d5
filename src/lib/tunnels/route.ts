// How a tunnel reads everywhere (lists, menus, status, logs): its route and its local address.
import type { TunnelDefinition } from "./definition";

/** "i-0abc… → db.internal:5432" or "i-0abc…:22". */
export function describeRoute(t: Pick<TunnelDefinition, "target" | "remoteHost" | "remotePort">): string {
  return t.remoteHost ? `${t.target} → ${t.remoteHost}:${t.remotePort}` : `${t.target}:${t.remotePort}`;
}

/** The address clients connect to; IPv6 in brackets. */
export function localAddress(t: Pick<TunnelDefinition, "bindAddress" | "localPort">): string {
  return t.bindAddress.includes(":") ? `[${t.bindAddress}]:${t.localPort}` : `${t.bindAddress}:${t.localPort}`;
}
