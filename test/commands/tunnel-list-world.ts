// The world the Connect Tunnel tests share: a temp home per test, and tunnels put in any state.
import { spawn, type ChildProcess } from "node:child_process";
import { LocalStorage, resetRaycast } from "../raycast/api";
import { initialState, nextState, writeState, type TunnelState } from "../../src/lib/tunnels/state";
import { saveTunnel } from "../../src/lib/tunnels/store";
import { makeHome, type TestHome } from "./fixtures";
import { listHelpers } from "./tunnel-list-helpers";

/**
 * Each test gets a fresh temp home; `tunnelIn` saves a tunnel and gives it a state file in any status, with a
 * live-looking worker process behind the live ones (killed after the test).
 */
export function listWorld() {
  const w = { home: undefined as unknown as TestHome, env: {} as Record<string, string> };
  const workers: ChildProcess[] = [];

  beforeEach(async () => {
    resetRaycast();
    w.home = makeHome();
    w.env = w.home.env;
    // The background commands have run: no first-run hint unless a test wants it.
    await LocalStorage.setItem("ran.v1.refresh-tokens", "x");
    await LocalStorage.setItem("ran.v1.tunnel-status", "x");
  });
  afterEach(async () => {
    for (const w of workers.splice(0)) {
      w.kill("SIGKILL");
      await new Promise((r) => (w.exitCode !== null || w.signalCode ? r(undefined) : w.once("exit", r)));
    }
    w.home.cleanup();
  });

  const { renderList } = listHelpers(() => w.env);

  /** A running worker as the process listing sees it: alive, its command line naming the tunnel. */
  async function liveWorker(id: string): Promise<number> {
    const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)", "tunnel", "run", id], {
      stdio: "ignore",
    });
    workers.push(child);
    await new Promise((r) => child.once("spawn", r));
    return child.pid!;
  }

  async function tunnelIn(status: TunnelState["status"] | undefined, name: string, extra: Partial<TunnelState> = {}) {
    const t = await saveTunnel(w.env, {
      id: `t-${name}`,
      name,
      profile: "dev",
      target: "i-0123abcd",
      remotePort: 5432,
      localPort: 15000 + name.length * 7 + name.charCodeAt(0),
    });
    if (status) {
      const live = !["stopped"].includes(status);
      const now = new Date();
      writeState(
        w.env,
        nextState(
          initialState(t.id, now, { name }),
          { status, ...(live ? { pid: await liveWorker(t.id) } : {}), ...extra },
          now,
        ),
      );
    }
    return t;
  }

  return { w, renderList, liveWorker, tunnelIn };
}
