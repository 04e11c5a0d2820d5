// The Raycast store builds with `ray build` alone: no npm script of ours runs there. From a clean checkout (only what
// git would commit), run exactly that, then use the worker it ships: --version, and a tunnel connected through the
// emulator by dist/assets/stormtunnel.js acting both as the CLI and as the detached worker it starts.
import { execFile, execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { VERSION } from "../../src/cli/main";
import { readState } from "../../src/lib/tunnels/state";
import { commandLine, isWorkerAlive } from "../../src/lib/tunnels/supervisor/liveness";
import { createWorld, INSTANCE, type World } from "../e2e/harness";
import { freePort } from "../tunnels/helpers";

jest.setTimeout(240_000);

const ROOT = join(__dirname, "..", "..");
let dir: string;
let checkout: string;
let w: World | undefined;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}
function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve) =>
    execFile(cmd, args, { cwd, env, timeout: 200_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    ),
  );
}

/** The files a clone of the working tree would have: tracked or new, never ignored (node_modules, dist, ...). */
function cleanCheckout(to: string): void {
  const files = execFileSync("git", ["-C", ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    encoding: "utf8",
  })
    .split("\0")
    .filter((f) => f && existsSync(join(ROOT, f)));
  for (const f of files) {
    mkdirSync(dirname(join(to, f)), { recursive: true });
    cpSync(join(ROOT, f), join(to, f));
  }
  // What `npm ci` would install; package.json runs nothing of ours at install time.
  symlinkSync(join(ROOT, "node_modules"), join(to, "node_modules"));
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "stormtunnel-store-"));
  checkout = join(dir, "checkout");
  cleanCheckout(checkout);
});
afterAll(async () => {
  await w?.close();
  rmSync(dir, { recursive: true, force: true });
});

test("`ray build` alone ships the committed worker, and that file connects a tunnel", async () => {
  expect(existsSync(join(checkout, "assets", "stormtunnel.js"))).toBe(true);
  const home = join(dir, "home");
  mkdirSync(home);
  const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, CI: "true" };
  const build = await run("npx", ["ray", "build", "-e", "dist", "-o", "dist"], checkout, env);
  expect({ code: build.code, out: build.stdout + build.stderr }).toMatchObject({ code: 0 });
  const shipped = join(checkout, "dist", "assets", "stormtunnel.js");
  expect(readFileSync(shipped).equals(readFileSync(join(ROOT, "assets", "stormtunnel.js")))).toBe(true);
  const shippedSdk = join(checkout, "dist", "assets", "stormtunnel-sdk.js");
  expect(readFileSync(shippedSdk).equals(readFileSync(join(ROOT, "assets", "stormtunnel-sdk.js")))).toBe(true);

  const version = await run(process.execPath, [shipped, "--version"], checkout, env);
  expect({ code: version.code, stdout: version.stdout.trim() }).toEqual({ code: 0, stdout: VERSION });

  // The shipped file is the CLI and, started by it, the worker (no STORMTUNNEL_WORKER_COMMAND override).
  w = await createWorld();
  await w.seedToken();
  const cliEnv: NodeJS.ProcessEnv = { ...w.env };
  delete cliEnv.STORMTUNNEL_WORKER_COMMAND;
  const cli = (...args: string[]) => run(process.execPath, [shipped, ...args], checkout, cliEnv);
  const port = await freePort();
  const add = await cli(
    ...["tunnel", "add", "--name", "db", "--profile", "dev", "--target", INSTANCE],
    ...["--remote-port", String(w.echo.port), "--local-port", String(port)],
  );
  expect({ code: add.code, stderr: add.stderr }).toEqual({ code: 0, stderr: "" });
  const connect = await cli("connect", "db");
  expect({ code: connect.code, stderr: connect.stderr }).toEqual({ code: 0, stderr: "" });
  expect(connect.stdout).toContain(`Connected: 127.0.0.1:${port}`);

  const id = JSON.parse((await cli("tunnel", "list", "--json")).stdout)[0].id as string;
  const state = readState(cliEnv, id)!;
  expect(state.status).toBe("connected");
  expect(await commandLine(state.pid!)).toContain(`${shipped} tunnel run ${id}`);
  expect(w.emu.log.filter((e) => e.operation === "StartSession")).toHaveLength(1);
  const data = "through the store build\n";
  expect(await echo(port, data)).toBe(data);

  const stop = await cli("disconnect", "db");
  expect(stop.code).toBe(0);
  expect(await isWorkerAlive(state.pid)).toBe(false);
  expect(readState(cliEnv, id)!.status).toBe("stopped");
});

function echo(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let got = "";
    const s = createConnection(port, "127.0.0.1", () => s.write(text));
    s.on("data", (d) => {
      got += d.toString();
      if (got.length >= text.length) {
        s.destroy();
        resolve(got);
      }
    });
    s.on("error", reject);
  });
}
