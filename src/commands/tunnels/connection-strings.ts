// What a client pastes to use a tunnel: a connection string for well-known database ports, a URL for web ports.
import type { TunnelDefinition } from "../../lib/tunnels/definition";

export interface ConnectionString {
  /** Shown in the action title: "Copy PostgreSQL URL". */
  kind: string;
  value: string;
  /** A web page: offer Open in Browser. */
  browsable: boolean;
}

const BY_PORT: Record<number, { kind: string; scheme: string; path: string }> = {
  5432: { kind: "PostgreSQL", scheme: "postgresql", path: "/" },
  3306: { kind: "MySQL", scheme: "mysql", path: "/" },
  6379: { kind: "Redis", scheme: "redis", path: "" },
  27017: { kind: "MongoDB", scheme: "mongodb", path: "/" },
};

const HTTP_PORTS = new Set([80, 3000, 4200, 5000, 5601, 8000, 8008, 8080, 8081, 8088, 8888, 9000, 9090, 15672]);
const HTTPS_PORTS = new Set([443, 8443, 9443]);

/** Binds that listen on loopback, so "localhost" reaches them (127.0.0.2 does not: localhost is 127.0.0.1 / ::1). */
const REACHED_AS_LOCALHOST = new Set(["127.0.0.1", "::1", "0.0.0.0", "::"]);

/** The host a client on this Mac connects to: a wildcard bind is reached through loopback. */
function clientHost(bindAddress: string): string {
  if (bindAddress === "0.0.0.0") return "127.0.0.1";
  if (bindAddress === "::") return "[::1]";
  return bindAddress.includes(":") ? `[${bindAddress}]` : bindAddress;
}

/** By the remote port (what runs there); undefined for ports with no well-known client. */
export function connectionString(
  t: Pick<TunnelDefinition, "bindAddress" | "localPort" | "remotePort">,
): ConnectionString | undefined {
  const host = `${clientHost(t.bindAddress)}:${t.localPort}`;
  const db = BY_PORT[t.remotePort];
  if (db) return { kind: `${db.kind} URL`, value: `${db.scheme}://${host}${db.path}`, browsable: false };
  // Certificates name the real host, so https through a tunnel is mostly used with "localhost" (when that reaches it).
  if (HTTPS_PORTS.has(t.remotePort)) {
    const web = REACHED_AS_LOCALHOST.has(t.bindAddress) ? `localhost:${t.localPort}` : host;
    return { kind: "URL", value: `https://${web}/`, browsable: true };
  }
  if (HTTP_PORTS.has(t.remotePort)) return { kind: "URL", value: `http://${host}/`, browsable: true };
  return undefined;
}
