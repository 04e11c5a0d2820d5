// How the supervisor builds the worker's command line.
import { execFileSync } from "node:child_process";
import { WORKER_NODE_FLAGS, currentScriptCommand, workerArgv } from "../../src/lib/tunnels/supervisor/worker-command";

describe("workerArgv", () => {
  it("gives a Node worker its V8 heap flags before its script", () => {
    expect(workerArgv([process.execPath, "/x/assets/stormtunnel.js"], "t-1")).toEqual([
      process.execPath,
      ...WORKER_NODE_FLAGS,
      "/x/assets/stormtunnel.js",
      "tunnel",
      "run",
      "t-1",
    ]);
    expect(WORKER_NODE_FLAGS).toEqual(["--min-semi-space-size=2", "--max-semi-space-size=2", "--no-sparkplug"]);
  });

  it("uses flags this Node accepts (a flag it does not know would stop every worker at start)", () => {
    const out = execFileSync(
      process.execPath,
      [...WORKER_NODE_FLAGS, "-e", "process.stdout.write(process.execArgv.slice(0, -2).join(' '))"],
      {
        encoding: "utf8",
      },
    );
    expect(out).toBe(WORKER_NODE_FLAGS.join(" "));
  });

  it("keeps loader flags (tsx) after the V8 flags and honours an override", () => {
    const prefix = currentScriptCommand("/usr/local/bin/node", ["--import", "tsx"], "/src/cli/main.ts");
    expect(workerArgv(prefix, "t-2", { STORMTUNNEL_WORKER_NODE_FLAGS: "--max-old-space-size=64" })).toEqual([
      "/usr/local/bin/node",
      "--max-old-space-size=64",
      "--import",
      "tsx",
      "/src/cli/main.ts",
      "tunnel",
      "run",
      "t-2",
    ]);
  });

  it("adds no Node flags to a program that is not Node", () => {
    expect(workerArgv(["/bin/sh", "fake-worker.sh"], "t-3")).toEqual([
      "/bin/sh",
      "fake-worker.sh",
      "tunnel",
      "run",
      "t-3",
    ]);
  });
});
