// Version rules the client must mirror exactly (ssm-protocol.md §10.1, §15 item 8).

/** What we report to the agent: above 1.2.331.0 so the agent turns smux keepalive off exactly when we do. */
export const CLIENT_VERSION = "1.2.677.0";

/** Agents strictly above this speak smux (mux mode); the rest get basic mode. */
export const MUX_MIN_EXCLUSIVE = "3.0.196.0";
/** Agents strictly above this have smux keepalive disabled. */
export const KEEPALIVE_OFF_ABOVE = "3.1.1511.0";
/** Basic-mode agents strictly above this understand the TerminateSession flag. */
export const TERMINATE_FLAG_ABOVE = "2.3.722.0";

/**
 * The official client's comparator: component-wise integers, and anything it cannot compare
 * (different component counts, empty or non-numeric components) is "not greater".
 */
export function isVersionGreater(version: string, than: string): boolean {
  const a = version.split(".");
  const b = than.split(".");
  if (a.length !== b.length) return false;
  if (!a.every(isNumeric) || !b.every(isNumeric)) return false;
  for (let i = 0; i < a.length; i++) {
    const x = BigInt(a[i]);
    const y = BigInt(b[i]);
    if (x !== y) return x > y;
  }
  return false;
}

function isNumeric(component: string): boolean {
  return /^[0-9]+$/.test(component);
}

export type ForwardingMode = "mux" | "basic";

export function forwardingModeFor(agentVersion: string): ForwardingMode {
  return isVersionGreater(agentVersion, MUX_MIN_EXCLUSIVE) ? "mux" : "basic";
}

/** smux NOPs (and the 30 s silence timeout) only for agents that still keep them on. */
export function smuxKeepaliveFor(agentVersion: string): boolean {
  return !isVersionGreater(agentVersion, KEEPALIVE_OFF_ABOVE);
}

/** Mux always sends the TerminateSession flag; basic only to agents that understand it. */
export function terminateFlagSupported(agentVersion: string, mode: ForwardingMode): boolean {
  return mode === "mux" || isVersionGreater(agentVersion, TERMINATE_FLAG_ABOVE);
}
