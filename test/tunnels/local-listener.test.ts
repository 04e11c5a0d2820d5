// The listener outlives sessions: connections arriving with no session attached are held, then handed over intact.
import { createConnection, type Socket } from "node:net";
import { LocalListener } from "../../src/lib/tunnels/worker/local-listener";
import { freePort, waitFor } from "./helpers";

/** Like a session: it owns the socket, so it starts reading it. */
function echoHandler(socket: Socket): void {
  socket.on("data", (d) => socket.write(Buffer.concat([Buffer.from("echo:"), d])));
  socket.resume();
}

describe("LocalListener", () => {
  let listener: LocalListener;
  afterEach(() => listener.close());

  test("holds connections (and their data) while detached, hands them to the next session", async () => {
    const port = await freePort();
    listener = new LocalListener({ bindAddress: "127.0.0.1", port });
    await listener.listen();
    expect(listener.address).toBe(`127.0.0.1:${port}`);
    const client = createConnection(port, "127.0.0.1");
    const got: Buffer[] = [];
    client.on("data", (d) => got.push(d));
    await new Promise((r) => client.once("connect", r));
    client.write("early bytes");
    await waitFor(() => listener.heldCount === 1);
    await new Promise((r) => setTimeout(r, 50));
    expect(got).toHaveLength(0);
    listener.attach(echoHandler);
    await waitFor(() => Buffer.concat(got).toString() === "echo:early bytes");
    client.destroy();
  });

  test("hands sockets over un-read: a session that queues a connection gets all of its bytes at its turn", async () => {
    const port = await freePort();
    listener = new LocalListener({ bindAddress: "127.0.0.1", port });
    await listener.listen();
    const queued: Socket[] = [];
    listener.attach((socket) => void queued.push(socket)); // like basic mode: busy, so it waits in line
    const client = createConnection(port, "127.0.0.1");
    await new Promise((r) => client.once("connect", r));
    client.write("bytes sent while waiting in line");
    await waitFor(() => queued.length === 1);
    await new Promise((r) => setTimeout(r, 100)); // time for the bytes to arrive, and for a wrongly flowing socket to lose them
    const got: Buffer[] = [];
    queued[0].on("data", (d: Buffer) => got.push(d));
    queued[0].resume();
    await waitFor(() => Buffer.concat(got).toString() === "bytes sent while waiting in line");
    client.destroy();
  });

  test("closes connections held longer than maxHoldMs, and refuses a taken port", async () => {
    const port = await freePort();
    listener = new LocalListener({ bindAddress: "127.0.0.1", port, maxHoldMs: 200 });
    await listener.listen();
    const c = createConnection(port, "127.0.0.1");
    c.on("error", () => undefined);
    const closed = new Promise((r) => c.once("close", r));
    await waitFor(() => listener.heldCount === 1);
    await closed;
    await waitFor(() => listener.heldCount === 0);
    const second = new LocalListener({ bindAddress: "127.0.0.1", port });
    await expect(second.listen()).rejects.toMatchObject({ code: "EADDRINUSE" });
  });
});
