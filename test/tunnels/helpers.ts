// Shared by the tunnel, CLI and e2e tests: a throwaway home per test, free loopback ports, process cleanup.
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isWorkerAlive, pidExists } from "../../src/lib/tunnels/supervisor/liveness";

export interface TempEnv {
  dir: string;
  env: Record<string, string>;
  cleanup(): void;
}

/** HOME, AWS_CONFIG_FILE and STORMTUNNEL_HOME in a new temp directory; PATH kept so children find node. */
export function tempEnv(extra: Record<string, string> = {}): TempEnv {
  const dir = mkdtempSync(join(tmpdir(), "stormtunnel-test-"));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: dir,
    AWS_CONFIG_FILE: join(dir, ".aws", "config"),
    STORMTUNNEL_HOME: join(dir, "stormtunnel"),
    ...extra,
  };
  return { dir, env, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

function tryListen(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once("error", () => resolve(undefined));
    s.listen(port, "127.0.0.1", () => {
      const got = (s.address() as { port: number }).port;
      s.close(() => resolve(got));
    });
  });
}

/**
 * A free port for a tunnel's local listener, chosen below the ephemeral range (32768+ on Linux, 49152+ on macOS):
 * an ephemeral port can be taken by any outgoing connection the moment a listener lets go of it.
 */
export async function freePort(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = await tryListen(20000 + Math.floor(Math.random() * 12000));
    if (port) return port;
  }
  throw new Error("no free port between 20000 and 32000");
}

export async function waitFor<T>(
  fn: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 10_000,
  stepMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

/** Last resort in afterEach: SIGKILL the group (and the pid) of anything a test started. */
export function killGroup(pid: number | undefined): void {
  if (!pid || !pidExists(pid)) return;
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, "SIGKILL");
    } catch {
      // gone
    }
  }
}

export { isWorkerAlive };
