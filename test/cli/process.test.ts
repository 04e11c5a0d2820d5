// The CLI as a real process (node --import tsx src/cli/main.ts): exit codes, output, and SIGINT → AbortSignal.
import { execFile, spawn } from "node:child_process";
import { join } from "node:path";
import { readState } from "../../src/lib/tunnels/state";
import { isRunning } from "../../src/lib/tunnels/supervisor";
import { freePort, killGroup, tempEnv, type TempEnv } from "../tunnels/helpers";

const ROOT = join(__dirname, "..", "..");
const FAKE = join(ROOT, "test", "tunnels", "fixtures", "fake-worker.js");
const CLI = [process.execPath, "--import", "tsx", join(ROOT, "src", "cli", "main.ts")];

function cli(env: Record<string, string>, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(CLI[0], [...CLI.slice(1), ...args], { env, cwd: ROOT, timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    ),
  );
}

describe("stormtunnel as a process", () => {
  let t: TempEnv;
  let id: string;
  beforeEach(async () => {
    t = tempEnv({ STORMTUNNEL_WORKER_COMMAND: JSON.stringify([process.execPath, FAKE]) });
    const add = ["tunnel", "add", "--name", "web", "--profile", "dev", "--target", "i-0123456789abcdef0"];
    expect((await cli(t.env, [...add, "--remote-port", "80", "--local-port", String(await freePort())])).code).toBe(0);
    id = JSON.parse((await cli(t.env, ["tunnel", "list", "--json"])).stdout)[0].id;
  }, 60_000);
  afterEach(async () => {
    await cli(t.env, ["disconnect", "--all"]);
    killGroup(readState(t.env, id)?.pid);
    t.cleanup();
  }, 60_000);

  test("connect waits for the detached worker, exits 0, and the worker outlives the CLI", async () => {
    const r = await cli(t.env, ["connect", "web"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Starting tunnel "web" in the background \(pid \d+\)/);
    expect(r.stdout).toMatch(/Connected: 127\.0\.0\.1:\d+/);
    expect(await isRunning(t.env, id)).toBe(true);
    const d = await cli(t.env, ["disconnect", "web"]);
    expect(d.stdout).toContain(`Tunnel "web" stopped.`);
  }, 60_000);

  test("SIGINT while connect waits: stops waiting (exit 130), the tunnel keeps starting in the background", async () => {
    const env = { ...t.env, FAKE_WORKER_STATUS: "connecting" };
    const child = spawn(CLI[0], [...CLI.slice(1), "connect", "web"], { env, cwd: ROOT });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (out.includes("Opening the Session Manager session")) {
          clearInterval(check);
          resolve();
        }
      }, 50);
    });
    child.kill("SIGINT");
    const code = await new Promise<number | null>((resolve) => child.once("exit", (c) => resolve(c)));
    expect(code).toBe(130);
    expect(err).toContain("Stopped waiting");
    expect(await isRunning(t.env, id)).toBe(true);
  }, 60_000);
});
