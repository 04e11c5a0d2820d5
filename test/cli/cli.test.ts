// The CLI front end in-process (main(argv, io)) against a fake worker: dispatch, tunnel add/list/remove, connect,
// status, disconnect. The real worker is exercised in test/e2e.
import { join } from "node:path";
import { main, VERSION } from "../../src/cli/main";
import type { CliIo } from "../../src/cli/io";
import { readState } from "../../src/lib/tunnels/state";
import { isRunning } from "../../src/lib/tunnels/supervisor";
import { freePort, killGroup, tempEnv, type TempEnv } from "../tunnels/helpers";

const FAKE = join(__dirname, "..", "tunnels", "fixtures", "fake-worker.js");

interface Captured {
  io: CliIo;
  out: string[];
  err: string[];
}

function capture(env: Record<string, string>): Captured {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { env, stdout: (l) => out.push(l), stderr: (l) => err.push(l), signal: new AbortController().signal },
    out,
    err,
  };
}

describe("stormtunnel CLI", () => {
  let t: TempEnv;
  beforeEach(() => {
    t = tempEnv({ STORMTUNNEL_WORKER_COMMAND: JSON.stringify([process.execPath, FAKE]) });
  });
  afterEach(async () => {
    const c = capture(t.env);
    await main(["disconnect", "--all"], c.io);
    for (const id of ["web"]) killGroup(readState(t.env, id)?.pid);
    t.cleanup();
  });

  test("--help, --version and unknown commands", async () => {
    let c = capture(t.env);
    expect(await main(["--help"], c.io)).toBe(0);
    expect(c.out.join("\n")).toMatch(/stormtunnel connect <tunnel>/);
    c = capture(t.env);
    expect(await main(["--version"], c.io)).toBe(0);
    expect(c.out).toEqual([VERSION]);
    c = capture(t.env);
    expect(await main(["frobnicate"], c.io)).toBe(2);
    expect(c.err[0]).toMatch(/unknown command "frobnicate"/);
    c = capture(t.env);
    expect(await main([], c.io)).toBe(2);
  });

  test("tunnel add validates, list shows, remove deletes", async () => {
    let c = capture(t.env);
    expect(await main(["tunnel", "add", "--name", "db", "--profile", "dev", "--target", "nope"], c.io)).toBe(2);
    expect(c.err[0]).toMatch(/Target must be an instance id/);
    const port = await freePort();
    c = capture(t.env);
    const add = ["tunnel", "add", "--name", "db", "--profile", "dev", "--target", "i-0123456789abcdef0"];
    const more = ["--remote-host", "db.internal", "--remote-port", "5432", "--local-port", String(port)];
    expect(await main([...add, ...more, "--no-auto-reconnect"], c.io)).toBe(0);
    expect(c.out[0]).toMatch(/Added tunnel "db"/);
    c = capture(t.env);
    expect(await main(["tunnel", "list", "--json"], c.io)).toBe(0);
    const [saved] = JSON.parse(c.out.join("\n"));
    expect(saved).toMatchObject({
      name: "db",
      remoteHost: "db.internal",
      remotePort: 5432,
      localPort: port,
      autoReconnect: false,
    });
    c = capture(t.env);
    await main(["tunnel", "list"], c.io);
    expect(c.out[0]).toMatch(/SESSIONS$/);
    expect(c.out[1]).toContain(`db.internal:5432`);
    expect(c.out[1]).toMatch(/\s1$/);
    c = capture(t.env);
    expect(await main(["tunnel", "remove", "db"], c.io)).toBe(0);
    c = capture(t.env);
    await main(["tunnel", "list"], c.io);
    expect(c.out).toEqual(["No tunnels saved."]);
  });

  test("tunnel add --sessions sets the pool size, 1 to 8", async () => {
    const add = ["tunnel", "add", "--profile", "dev", "--target", "i-0123456789abcdef0", "--remote-port", "80"];
    let c = capture(t.env);
    expect(await main([...add, "--name", "big", "--local-port", "1", "--sessions", "9"], c.io)).toBe(2);
    expect(c.err[0]).toMatch(/Sessions must be a whole number from 1 to 8/);
    c = capture(t.env);
    expect(await main([...add, "--name", "pool", "--local-port", "2", "--sessions", "4"], c.io)).toBe(0);
    c = capture(t.env);
    expect(await main([...add, "--name", "single", "--local-port", "3"], c.io)).toBe(0);
    const listed = JSON.parse((await run(["tunnel", "list", "--json"])).join("\n"));
    expect(listed.map((d: { name: string; sessions?: number }) => [d.name, d.sessions])).toEqual([
      ["pool", 4],
      ["single", undefined],
    ]);
    const table = await run(["tunnel", "list"]);
    expect(table.find((l) => l.startsWith("pool"))).toMatch(/\s4$/);
  });

  test("connect follows the worker to connected; status shows it; disconnect stops it", async () => {
    const port = await freePort();
    let c = capture(t.env);
    const add = ["tunnel", "add", "--name", "web", "--profile", "dev", "--target", "i-0123456789abcdef0"];
    await main([...add, "--remote-port", "80", "--local-port", String(port)], c.io);
    const id = JSON.parse((await run(["tunnel", "list", "--json"])).join("\n"))[0].id;

    c = capture(t.env);
    expect(await main(["connect", "web"], c.io)).toBe(0);
    expect(c.out[0]).toMatch(/Starting tunnel "web" in the background \(pid \d+\)/);
    expect(c.out[c.out.length - 1]).toMatch(new RegExp(`^Connected: 127.0.0.1:${port}`));
    expect(await isRunning(t.env, id)).toBe(true);

    c = capture(t.env);
    expect(await main(["status"], c.io)).toBe(0);
    expect(c.out[0]).toMatch(/^NAME\s+STATUS\s+LOCAL\s+TARGET\s+PROFILE\s+SINCE\s+IN\s+OUT$/);
    expect(c.out[1]).toMatch(new RegExp(`^web\\s+connected\\s+127.0.0.1:${port}\\s+i-0123456789abcdef0:80\\s+dev`));

    c = capture(t.env);
    await main(["status", "--json"], c.io);
    expect(JSON.parse(c.out.join("\n"))[0]).toMatchObject({ id, name: "web", status: "connected", profile: "dev" });

    c = capture(t.env);
    expect(await main(["disconnect", "web"], c.io)).toBe(0);
    expect(c.out[0]).toBe(`Tunnel "web" stopped.`);
    expect(await isRunning(t.env, id)).toBe(false);
    expect(readState(t.env, id)?.status).toBe("stopped");
  });

  test("connect refuses a busy port and names who holds it", async () => {
    const { createServer } = await import("node:net");
    const blocker = createServer();
    const port = await freePort();
    await new Promise<void>((r) => blocker.listen(port, "127.0.0.1", () => r()));
    try {
      const add = ["tunnel", "add", "--name", "web", "--profile", "dev", "--target", "i-0123456789abcdef0"];
      await run([...add, "--remote-port", "80", "--local-port", String(port)]);
      const c = capture(t.env);
      expect(await main(["connect", "web"], c.io)).toBe(1);
      expect(c.err[0]).toMatch(new RegExp(`127.0.0.1:${port} is already in use by .*pid ${process.pid}`));
    } finally {
      await new Promise<void>((r) => blocker.close(() => r()));
    }
  });

  async function run(argv: string[]): Promise<string[]> {
    const c = capture(t.env);
    await main(argv, c.io);
    return c.out;
  }
});
