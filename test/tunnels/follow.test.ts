// Following a worker's state: a sign-in gets the login's whole window, other phases time out, a dead worker settles.
import { followTunnel, LOGIN_WINDOW_MS } from "../../src/lib/tunnels/supervisor/follow";
import { LOGIN_TIMEOUT_MS } from "../../src/lib/sso/login";
import { initialState, nextState, writeState, type TunnelState } from "../../src/lib/tunnels/state";
import { spawn, type ChildProcess } from "node:child_process";
import { tempEnv, type TempEnv } from "./helpers";

let t: TempEnv;
/** Stands in for the worker process: alive, and its command line names the tunnel. */
let worker: ChildProcess;
beforeEach(async () => {
  t = tempEnv();
  worker = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)", "tunnel", "run", "t-db"], { stdio: "ignore" });
  await new Promise((r) => worker.once("spawn", r));
});
afterEach(async () => {
  worker.kill("SIGKILL");
  await new Promise((r) => worker.once("exit", r));
  t.cleanup();
});

function write(change: Partial<TunnelState>) {
  const now = new Date();
  writeState(t.env, nextState(initialState("t-db", now, { name: "db" }), { pid: worker.pid, ...change }, now));
}

describe("followTunnel", () => {
  it("waits through a sign-in longer than its timeout, then settles on connected", async () => {
    write({ status: "authenticating", login: { url: "https://portal/device", userCode: "ABCD-EFGH" } });
    const seen: string[] = [];
    const followed = followTunnel("t-db", {
      env: t.env,
      timeoutMs: 100,
      pollMs: 10,
      onChange: (s) => seen.push(`${s.status}${s.login?.userCode ? `:${s.login.userCode}` : ""}`),
    });
    // Three times the phase timeout in the browser: a slow MFA must not read as a failed connect.
    await new Promise((r) => setTimeout(r, 300));
    write({ status: "connected", localAddress: "127.0.0.1:15432" });
    const state = await followed;
    expect(state.status).toBe("connected");
    expect(seen).toEqual(["authenticating:ABCD-EFGH", "connected"]);
  });

  it("times out when a phase other than the sign-in makes no progress", async () => {
    write({ status: "connecting" });
    await expect(followTunnel("t-db", { env: t.env, timeoutMs: 100, pollMs: 10 })).rejects.toThrow(
      "timed out waiting for tunnel t-db (last status: connecting)",
    );
  });

  it("settles as stopped, with the reason, as soon as the worker is found dead", async () => {
    write({ status: "connecting", pid: 2 ** 22 + 99 });
    const state = await followTunnel("t-db", { env: t.env, timeoutMs: 60_000, pollMs: 10, livenessMs: 50 });
    expect(state.status).toBe("stopped");
    expect(state.lastError).toMatch(/ended unexpectedly/);
  });

  it("the sign-in window is the login's own timeout", () => {
    expect(LOGIN_WINDOW_MS).toBe(LOGIN_TIMEOUT_MS);
  });
});
