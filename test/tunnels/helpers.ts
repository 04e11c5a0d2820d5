// Shared by the tunnel, CLI and e2e tests: a throwaway home per test, free loopback ports, process cleanup.
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isWorkerAlive, pidExists } from "../../src/lib/tunnels/liveness";

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

/** A port the OS just handed out on 127.0.0.1 (closed again, so it is free unless someone races for it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function waitFor<T>(fn: () => T | undefined | false, timeoutMs = 10_000, stepMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
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
