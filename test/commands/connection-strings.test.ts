// What Copy Connection String / Open in Browser hand to a client, by the remote port, for the tunnel's local listener.
import { connectionString } from "../../src/commands/tunnels/connection-strings";

const LOOPBACK = "127.0.0.1";

describe("connection strings", () => {
  it.each([
    ["PostgreSQL", LOOPBACK, 5432, 15432, { kind: "PostgreSQL URL", value: "postgresql://127.0.0.1:15432/" }],
    ["MySQL", LOOPBACK, 3306, 13306, { kind: "MySQL URL", value: "mysql://127.0.0.1:13306/" }],
    ["Redis", LOOPBACK, 6379, 16379, { kind: "Redis URL", value: "redis://127.0.0.1:16379" }],
    ["MongoDB", LOOPBACK, 27017, 27018, { kind: "MongoDB URL", value: "mongodb://127.0.0.1:27018/" }],
    ["https", LOOPBACK, 443, 8443, { kind: "URL", value: "https://localhost:8443/", browsable: true }],
    ["an http port", LOOPBACK, 8080, 18080, { kind: "URL", value: "http://127.0.0.1:18080/", browsable: true }],
    ["http on 80", LOOPBACK, 80, 8080, { kind: "URL", value: "http://127.0.0.1:8080/", browsable: true }],
    // Bound to every interface: a client dials it through loopback, never at 0.0.0.0 / ::.
    ["PostgreSQL on 0.0.0.0", "0.0.0.0", 5432, 15432, { value: "postgresql://127.0.0.1:15432/" }],
    ["http on 0.0.0.0", "0.0.0.0", 3000, 13000, { value: "http://127.0.0.1:13000/", browsable: true }],
    ["https on 0.0.0.0", "0.0.0.0", 443, 8443, { value: "https://localhost:8443/", browsable: true }],
    ["MySQL on ::", "::", 3306, 13306, { value: "mysql://[::1]:13306/" }],
    ["Redis on ::1", "::1", 6379, 16379, { value: "redis://[::1]:16379" }],
    // A listener on one LAN address is reached there only: not through localhost, even for https.
    ["https on a LAN address", "192.168.1.20", 443, 8443, { value: "https://192.168.1.20:8443/", browsable: true }],
    ["MySQL on a LAN address", "192.168.1.20", 3306, 13306, { value: "mysql://192.168.1.20:13306/" }],
  ])("%s", (_what, bindAddress, remotePort, localPort, expected) => {
    const found = connectionString({ bindAddress, remotePort, localPort });
    expect(found).toMatchObject({ browsable: false, ...expected });
  });

  it.each([22, 3389, 1521, 65535])("port %i has no well-known client: nothing to copy", (remotePort) => {
    expect(connectionString({ bindAddress: LOOPBACK, remotePort, localPort: 10000 + remotePort })).toBeUndefined();
  });
});
