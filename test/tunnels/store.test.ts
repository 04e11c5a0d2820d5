import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TunnelValidationError } from "../../src/lib/tunnels/definition";
import {
  findTunnel,
  loadTunnels,
  removeTunnel,
  saveTunnel,
  tunnelsFile,
  UnsupportedTunnelsVersionError,
} from "../../src/lib/tunnels/store";

const tunnel = {
  id: "t-orders",
  name: "Orders DB",
  profile: "dev-sso",
  target: "i-0123456789abcdef0",
  remoteHost: "orders.internal",
  remotePort: 5432,
  localPort: 15432,
  bindAddress: "127.0.0.1",
  autoReconnect: true,
};

let root: string;
let env: Record<string, string>;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "stormtunnel-store-"));
  env = { HOME: join(root, "home"), STORMTUNNEL_HOME: join(root, "st") };
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const file = () => tunnelsFile(env);
const readJson = () => JSON.parse(readFileSync(file(), "utf8"));

describe("tunnel store", () => {
  it("starts empty when nothing was saved", async () => {
    expect(await loadTunnels(env)).toEqual({ tunnels: [], problems: [] });
  });

  it("saves a versioned document with 0700 dir and 0600 file, and loads it back", async () => {
    const saved = await saveTunnel(env, tunnel);
    expect(saved).toEqual(tunnel);
    expect(readJson()).toEqual({ version: 1, tunnels: [tunnel] });
    expect(statSync(env.STORMTUNNEL_HOME).mode & 0o777).toBe(0o700);
    expect(statSync(file()).mode & 0o777).toBe(0o600);
    expect(await loadTunnels(env)).toEqual({ tunnels: [tunnel], problems: [] });
    // No temp or lock files left behind.
    expect(readdirSync(env.STORMTUNNEL_HOME)).toEqual(["tunnels.json"]);
  });

  it("updates by id and appends new ids", async () => {
    await saveTunnel(env, tunnel);
    await saveTunnel(env, { ...tunnel, localPort: 25432 });
    await saveTunnel(env, { ...tunnel, id: "t-web", name: "Web", remoteHost: undefined, remotePort: 80 });
    const { tunnels } = await loadTunnels(env);
    expect(tunnels.map((t) => [t.id, t.localPort])).toEqual([
      ["t-orders", 25432],
      ["t-web", 15432],
    ]);
  });

  it("refuses invalid and duplicate-name tunnels with per-field errors", async () => {
    await saveTunnel(env, tunnel);
    const err = await saveTunnel(env, { ...tunnel, id: "t-other", name: "orders db" }).catch((e) => e);
    expect(err).toBeInstanceOf(TunnelValidationError);
    expect(err.errors).toEqual({ name: 'A tunnel named "orders db" already exists' });
    await expect(saveTunnel(env, { ...tunnel, localPort: 0 })).rejects.toThrow(/Local port must be a whole number/);
  });

  it("removes by id and finds by id or name", async () => {
    await saveTunnel(env, tunnel);
    expect((await findTunnel(env, "t-orders"))?.name).toBe("Orders DB");
    expect((await findTunnel(env, "orders db"))?.id).toBe("t-orders");
    expect(await findTunnel(env, "nope")).toBeUndefined();
    expect(await removeTunnel(env, "nope")).toBe(false);
    expect(await removeTunnel(env, "t-orders")).toBe(true);
    expect(await loadTunnels(env)).toEqual({ tunnels: [], problems: [] });
  });

  it("reports a corrupt file without touching it, and sets it aside on the next save", async () => {
    mkdirSync(env.STORMTUNNEL_HOME, { recursive: true });
    writeFileSync(file(), "{ not json");
    const loaded = await loadTunnels(env);
    expect(loaded.tunnels).toEqual([]);
    expect(loaded.problems[0]).toMatch(/tunnels\.json could not be read \(not valid JSON/);
    expect(readFileSync(file(), "utf8")).toBe("{ not json");

    await saveTunnel(env, tunnel);
    const aside = readdirSync(env.STORMTUNNEL_HOME).filter((f) => f.startsWith("tunnels.json.corrupt-"));
    expect(aside).toHaveLength(1);
    expect(readFileSync(join(env.STORMTUNNEL_HOME, aside[0]), "utf8")).toBe("{ not json");
    expect(readJson().tunnels).toEqual([tunnel]);
  });

  it.each([
    ["[]", /not a JSON object/],
    ['{"tunnels": []}', /unknown format version/],
    ['{"version": 1, "tunnels": {}}', /"tunnels" is not a list/],
  ])("treats %s as corrupt", async (content, why) => {
    mkdirSync(env.STORMTUNNEL_HOME, { recursive: true });
    writeFileSync(file(), content);
    expect((await loadTunnels(env)).problems[0]).toMatch(why);
  });

  it("refuses to read or overwrite a file from a newer version", async () => {
    mkdirSync(env.STORMTUNNEL_HOME, { recursive: true });
    writeFileSync(file(), '{"version": 2, "tunnels": []}');
    expect((await loadTunnels(env)).problems[0]).toMatch(/format version 2; this StormTunnel reads version 1/);
    await expect(saveTunnel(env, tunnel)).rejects.toBeInstanceOf(UnsupportedTunnelsVersionError);
    expect(readFileSync(file(), "utf8")).toBe('{"version": 2, "tunnels": []}');
  });

  it("skips invalid entries with a problem but keeps them in the file on save", async () => {
    mkdirSync(env.STORMTUNNEL_HOME, { recursive: true });
    const broken = { ...tunnel, id: "t-broken", name: "Broken", target: "i-nope" };
    writeFileSync(file(), JSON.stringify({ version: 1, tunnels: [tunnel, broken, 42] }));
    const loaded = await loadTunnels(env);
    expect(loaded.tunnels).toEqual([tunnel]);
    expect(loaded.problems).toHaveLength(2);
    expect(loaded.problems[0]).toMatch(/tunnel #2 \("Broken"\) skipped: Target must be an instance id/);

    await saveTunnel(env, { ...tunnel, id: "t-web", name: "Web" });
    expect(readJson().tunnels).toEqual([tunnel, { ...tunnel, id: "t-web", name: "Web" }, broken, 42]);
  });

  it("serialises concurrent saves so none is lost", async () => {
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        saveTunnel(env, { ...tunnel, id: `t-${i}`, name: `T${i}`, localPort: 1000 + i }),
      ),
    );
    expect((await loadTunnels(env)).tunnels.map((t) => t.id).sort()).toEqual(
      Array.from({ length: 8 }, (_, i) => `t-${i}`),
    );
  });

  it("breaks a stale lock left by a crashed process", async () => {
    mkdirSync(env.STORMTUNNEL_HOME, { recursive: true });
    const lock = join(env.STORMTUNNEL_HOME, "tunnels.json.lock");
    writeFileSync(lock, "99999");
    const old = new Date(Date.now() - 60_000);
    utimesSync(lock, old, old);
    await saveTunnel(env, tunnel);
    expect((await loadTunnels(env)).tunnels).toHaveLength(1);
  });

  it("breaks a fresh lock at once when its holder has died, and waits for a live one", async () => {
    mkdirSync(env.STORMTUNNEL_HOME, { recursive: true });
    const lock = join(env.STORMTUNNEL_HOME, "tunnels.json.lock");
    const dead = spawnSync(process.execPath, ["-e", ""]).pid; // exited: its pid names no process now
    writeFileSync(lock, JSON.stringify({ pid: dead, nonce: "n", createdAt: new Date().toISOString() }));
    await saveTunnel(env, tunnel);
    expect((await loadTunnels(env)).tunnels).toHaveLength(1);

    writeFileSync(lock, JSON.stringify({ pid: process.pid, nonce: "live", createdAt: new Date().toISOString() }));
    const err = await saveTunnel(env, { ...tunnel, id: "t-2", name: "Other", localPort: 1999 }).catch((e) => e);
    expect(String(err)).toMatch(/busy|lock/);
    expect((await loadTunnels(env)).tunnels).toHaveLength(1);
  }, 15_000);
});
