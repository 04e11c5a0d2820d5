// Where a session forwards to: a real local TCP target, never anything but loopback.
import { connect, isIP, type Socket } from "node:net";
import type { Directory } from "../directory";
import type { SsmSession } from "../ssm/sessions";

export type Destination =
  | { ok: true; address: string; port: number; label: string }
  | { ok: false; label: string; reason: string; forbidden?: boolean };

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1)$/;

/** The agent's DeniedPortForwardingRemoteIPs: IMDS, Amazon DNS and time addresses (ssm-protocol.md §11). */
const DENIED = new Set([
  "169.254.169.254",
  "169.254.169.253",
  "169.254.169.123",
  "169.254.169.250",
  "169.254.169.251",
  "fd00:ec2::254",
  "fd00:ec2::253",
  "fd00:ec2::123",
  "fd00:ec2::240",
]);

/** Instance sessions reach 127.0.0.1:portNumber; remote-host sessions directory.hosts[host]:portNumber. */
export function resolveDestination(directory: Directory, session: SsmSession): Destination {
  const port = Number(session.properties.portNumber);
  const host = session.properties.host;
  const name = host ?? "localhost";
  const label = `${name}:${port}`;
  // Names come from directory.hosts; a loopback IP literal is used as is (anything else is never dialed).
  const literal = host !== undefined && isIP(host) !== 0 ? host : undefined;
  const address = host === undefined ? "127.0.0.1" : (directory.hosts[host] ?? literal);
  // The agent ignores a failed lookup at start and then dials an empty address list (port.go DialCall).
  if (!address) return { ok: false, label, reason: "missing address" };
  // Checked once, before the plugin starts: the whole session fails with this output (port.go validateParameters).
  if (DENIED.has(address)) {
    return { ok: false, label, reason: `Forwarding to IP address ${name} is forbidden.`, forbidden: true };
  }
  // The emulator itself only ever dials loopback: any other address behaves like a host with nothing listening.
  if (!LOOPBACK.test(address) || isIP(address) === 0) {
    return { ok: false, label, reason: `dial tcp ${address}:${port}: connect: connection refused` };
  }
  if (!Number.isInteger(port) || port <= 0 || port > 65535) return { ok: false, label, reason: `invalid port ${port}` };
  if (directory.refusedDestinations.has(label) || directory.refusedDestinations.has(`${address}:${port}`)) {
    return { ok: false, label, reason: `dial tcp ${address}:${port}: connect: connection refused` };
  }
  return { ok: true, address, port, label };
}

/** Dials; `onFail` runs if the connection never opens (refused or unresolvable). */
export function dial(dest: Destination, onFail: (reason: string) => void): Socket | undefined {
  if (!dest.ok) {
    queueMicrotask(() => onFail(dest.reason));
    return undefined;
  }
  const socket = connect({ host: dest.address, port: dest.port });
  socket.setNoDelay(true);
  let opened = false;
  socket.once("connect", () => (opened = true));
  socket.on("error", (err: NodeJS.ErrnoException) => {
    if (!opened) onFail(`dial tcp ${dest.address}:${dest.port}: ${goErrorText(err)}`);
  });
  return socket;
}

/** Go's wording for a failed connect (the agent is a Go program), e.g. "connect: connection refused". */
const GO_CONNECT_ERRORS: Record<string, string> = {
  ECONNREFUSED: "connect: connection refused",
  ETIMEDOUT: "connect: connection timed out",
  EHOSTUNREACH: "connect: no route to host",
  ENETUNREACH: "connect: network is unreachable",
  EADDRNOTAVAIL: "connect: cannot assign requested address",
};

function goErrorText(err: NodeJS.ErrnoException): string {
  return (err.code && GO_CONNECT_ERRORS[err.code]) ?? err.message;
}
