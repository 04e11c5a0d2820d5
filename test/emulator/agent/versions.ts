// Version rules that decide the port-forwarding mode (ssm-protocol.md §10.1).

/** The client's comparator: 4-part numeric only; differing component counts or non-numbers mean "not greater". */
export function strictlyGreater(a: string, b: string): boolean {
  const x = a.split(".");
  const y = b.split(".");
  if (x.length !== y.length || ![...x, ...y].every((c) => /^\d+$/.test(c))) return false;
  for (let i = 0; i < x.length; i++) {
    if (Number(x[i]) !== Number(y[i])) return Number(x[i]) > Number(y[i]);
  }
  return false;
}

const SEMVER = /^(\d+)\.(\d+)\.(\d+)$/;

/**
 * The agent's comparator: semver when both parse, otherwise component-wise numeric where fewer components rank
 * lower; undefined when a component is not a number.
 */
export function compareAgentRule(a: string, b: string): number | undefined {
  if (SEMVER.test(a) && SEMVER.test(b)) return compareParts(a.split("."), b.split("."));
  const x = a.split(".");
  const y = b.split(".");
  if (![...x, ...y].every((c) => /^\d+$/.test(c))) return undefined;
  return compareParts(x, y);
}

function compareParts(x: string[], y: string[]): number {
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (Number(x[i]) !== Number(y[i])) return Number(x[i]) > Number(y[i]) ? 1 : -1;
  }
  return Math.sign(x.length - y.length);
}

export interface AgentModeChoice {
  mode: "basic" | "mux";
  keepAlive: boolean;
}

/**
 * The emulated agent's decision. Its own version matters too: an agent not newer than 3.0.196.0 predates smux, and
 * one not newer than 3.1.1511.0 predates switching keepalive off (the same thresholds the client mirrors).
 */
export function chooseMode(agentVersion: string, clientVersion: string, type: string | undefined): AgentModeChoice {
  const agentHasMux = strictlyGreater(agentVersion, "3.0.196.0");
  const clientMux = (compareAgentRule(clientVersion, "1.1.70") ?? -1) >= 0;
  const mode = agentHasMux && type === "LocalPortForwarding" && clientMux ? "mux" : "basic";
  const agentCanDisable = strictlyGreater(agentVersion, "3.1.1511.0");
  const clientIsNew = (compareAgentRule(clientVersion, "1.2.331.0") ?? -1) > 0;
  return { mode, keepAlive: mode === "mux" && !(agentCanDisable && clientIsNew) };
}
