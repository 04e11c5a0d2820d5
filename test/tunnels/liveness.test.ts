// The macOS process check, on any OS: recorded `ps` output is injected, so the branch users run is the one tested.
import { spawn } from "node:child_process";
import {
  PS_COLUMNS,
  aliveIn,
  isWorkerAlive,
  parsePs,
  processTable,
  type PsRunner,
} from "../../src/lib/tunnels/supervisor/liveness";
import { tunnelStatuses } from "../../src/lib/tunnels/supervisor";
import { initialState, nextState, readState, writeState } from "../../src/lib/tunnels/state";
import { tempEnv, type TempEnv } from "./helpers";

const NODE = "/Users/me/Library/Application Support/com.raycast.macos/node/bin/node";

/** What `/bin/ps -o pid=,ppid=,pgid=,stat=,command= -p …` prints on macOS for these rows. */
function macListing(rows: { pid: number; stat?: string; command: string }[]): string {
  return rows
    .map(
      (r) =>
        `${String(r.pid).padStart(5)}     1 ${String(r.pid).padStart(5)} ${(r.stat ?? "Ss").padEnd(4)} ${r.command}`,
    )
    .join("\n");
}

function recordingPs(output: string | Error): PsRunner & { calls: string[][] } {
  const calls: string[][] = [];
  const run = async (args: string[]) => {
    calls.push(args);
    if (output instanceof Error) throw output;
    return output;
  };
  return Object.assign(run, { calls });
}

describe("parsePs", () => {
  it("reads pid, parent, group, state and the full command line (spaces included)", () => {
    const table = parsePs(
      `  812     1   812 Ss   ${NODE} --optimize-for-size /Users/me/ext/assets/stormtunnel.js tunnel run t-db\n` +
        `  9   1 9 Z+   (node)\n\n garbage line\n`,
    );
    expect(table.get(812)).toEqual({
      pid: 812,
      ppid: 1,
      pgid: 812,
      stat: "Ss",
      command: `${NODE} --optimize-for-size /Users/me/ext/assets/stormtunnel.js tunnel run t-db`,
    });
    expect(table.get(9)?.stat).toBe("Z+");
    expect(table.size).toBe(2);
  });
});

describe("processTable on macOS (injected ps)", () => {
  // Pids that exist on this machine (kill(pid, 0) answers), so the listing is asked about them.
  const me = process.pid;
  const parent = process.ppid;

  it("asks ps once for every live pid and leaves out pids that are gone", async () => {
    const ps = recordingPs(
      macListing([
        { pid: me, command: `${NODE} stormtunnel.js tunnel run t-web` },
        { pid: parent, command: `${NODE} stormtunnel.js tunnel run t-db` },
      ]),
    );
    const gone = 2 ** 22 + 12345; // above every pid_max: never a live process
    const table = await processTable([me, parent, gone, me], { platform: "darwin", runPs: ps });
    expect(ps.calls).toEqual([["-o", PS_COLUMNS, "-p", `${me},${parent}`]]);
    expect(aliveIn(table, me, "t-web")).toBe(true);
    expect(aliveIn(table, parent, "t-db")).toBe(true);
    expect(aliveIn(table, gone)).toBe(false);
  });

  it("a zombie or a pid reused by another program is not the worker", async () => {
    const ps = recordingPs(
      macListing([
        { pid: me, stat: "Z", command: "(node)" },
        { pid: parent, command: "/usr/bin/vim notes.txt" },
      ]),
    );
    const table = await processTable([me, parent], { platform: "darwin", runPs: ps });
    expect(aliveIn(table, me)).toBe(false);
    expect(aliveIn(table, parent, "t-db")).toBe(false);
    expect(aliveIn(table, parent)).toBe(true); // without a tunnel id only liveness counts
  });

  it("a pid ps no longer lists exited in between; a failing ps keeps the kill(0) answer", async () => {
    const empty = await processTable([me], { platform: "darwin", runPs: recordingPs("") });
    expect(aliveIn(empty, me)).toBe(false);
    const failed = await processTable([me], { platform: "darwin", runPs: recordingPs(new Error("spawn EAGAIN")) });
    expect(aliveIn(failed, me, "t-web")).toBe(true);
  });

  it("asks nothing when no pid is alive", async () => {
    const ps = recordingPs("");
    expect((await processTable([2 ** 22 + 1], { platform: "darwin", runPs: ps })).size).toBe(0);
    expect(ps.calls).toHaveLength(0);
  });

  it("the real ps accepts the same arguments (runs /bin/ps wherever it exists)", async () => {
    const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)", "tunnel", "run", "t-real"], {
      stdio: "ignore",
    });
    try {
      await new Promise((r) => child.once("spawn", r));
      const table = await processTable([child.pid!], { platform: "darwin" });
      expect(table.get(child.pid!)).toMatchObject({ pid: child.pid, ppid: process.pid });
      expect(aliveIn(table, child.pid, "t-real")).toBe(true);
      expect(aliveIn(table, child.pid, "t-other")).toBe(false);
    } finally {
      child.kill("SIGKILL");
      await new Promise((r) => child.once("exit", r));
    }
    expect(await isWorkerAlive(child.pid, undefined, { platform: "darwin" })).toBe(false);
  });
});

describe("tunnelStatuses", () => {
  let t: TempEnv;
  beforeEach(() => (t = tempEnv()));
  afterEach(() => t.cleanup());

  it("one ps call per refresh for every tunnel; dead and reused pids become stopped with the reason", async () => {
    const now = new Date();
    const write = (id: string, pid: number) =>
      writeState(t.env, nextState(initialState(id, now, { name: id }), { status: "connected", pid }, now));
    write("a-live", process.pid);
    write("b-reused", process.ppid);
    write("c-dead", 2 ** 22 + 7);
    writeState(t.env, nextState(initialState("d-stopped", now), { status: "stopped" }, now));
    const ps = recordingPs(
      macListing([
        { pid: process.pid, command: `${NODE} stormtunnel.js tunnel run a-live` },
        { pid: process.ppid, command: "/Applications/Slack.app/Contents/MacOS/Slack" },
      ]),
    );
    const states = await tunnelStatuses({ env: t.env, liveness: { platform: "darwin", runPs: ps } });
    expect(ps.calls).toHaveLength(1);
    expect(states.map((s) => [s.id, s.status])).toEqual([
      ["a-live", "connected"],
      ["b-reused", "stopped"],
      ["c-dead", "stopped"],
      ["d-stopped", "stopped"],
    ]);
    expect(readState(t.env, "b-reused")?.lastError).toBe(
      `the tunnel's worker (pid ${process.ppid}) ended unexpectedly`,
    );
  });
});
