import type { AddressInfo } from "node:net";
import WebSocket, { WebSocketServer } from "ws";
import { WriteBatch } from "../../src/lib/ssm/channel/write-batch";

// Frames the batch writes itself must read back exactly, masked (client) and unmasked (server), at every length form.
const SIZES = [0, 1, 3, 125, 126, 1024, 1144, 65535, 65536, 200_000];
const payload = (n: number, seed: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff));

describe("WriteBatch", () => {
  let wss: WebSocketServer;
  let client: WebSocket;
  let server: WebSocket;
  const got: { client: Buffer[]; server: Buffer[] } = { client: [], server: [] };

  beforeAll(async () => {
    wss = new WebSocketServer({ port: 0, host: "127.0.0.1" });
    await new Promise((r) => wss.once("listening", r));
    const accepted = new Promise<WebSocket>((r) => wss.once("connection", r));
    client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, { perMessageDeflate: false });
    await new Promise((r) => client.once("open", r));
    server = await accepted;
    server.on("message", (d: Buffer) => got.server.push(d));
    client.on("message", (d: Buffer) => got.client.push(d));
  });

  afterAll(async () => {
    client.terminate();
    await new Promise((r) => wss.close(r));
  });

  it.each([
    ["client to server (masked)", () => client, "server"],
    ["server to client", () => server, "client"],
  ] as const)("%s: one turn of frames arrives intact and in order", async (_name, from, to) => {
    const batch = new WriteBatch();
    const sent = SIZES.map((n, i) => payload(n, i));
    for (const b of sent) batch.send(from(), b);
    batch.send(from(), "text goes after the batch");
    await new Promise<void>((resolve) => {
      const check = () => (got[to].length >= sent.length + 1 ? resolve() : setTimeout(check, 5));
      check();
    });
    expect(got[to].slice(0, sent.length).map((b) => b.toString("hex"))).toEqual(sent.map((b) => b.toString("hex")));
    expect(got[to][sent.length].toString()).toBe("text goes after the batch");
  });

  it("drops what is pending once the socket is no longer open", () => {
    const batch = new WriteBatch();
    const sends: unknown[] = [];
    const fake = { readyState: 1, send: (d: unknown) => sends.push(d), _socket: { write: () => sends.push("raw") } };
    batch.send(fake, Buffer.from("x"));
    fake.readyState = 2;
    batch.flush();
    expect(sends).toEqual([]);
  });
});
