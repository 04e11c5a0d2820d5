import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { runScript } from "./run-script";

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "stormtunnel-boundaries-"));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function file(path: string, text: string) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

const check = () => runScript("check-boundaries.mjs", ["--root", root]);

describe("check-boundaries", () => {
  it("passes the repository itself", () => {
    const run = runScript("check-boundaries.mjs");
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
  });

  it("passes a tree that follows the rules (commands may use Raycast and lib)", () => {
    file("src/lib/a.ts", 'import { join } from "node:path";\nimport { b } from "./b";\n');
    file("src/lib/b.ts", "export const b = 1;\n");
    file("src/cli/main.ts", 'import { b } from "../lib/b";\n');
    file("src/commands/View.tsx", 'import { List } from "@raycast/api";\nimport { b } from "../lib/b";\n');
    file("src/connect-tunnel.tsx", 'import { View } from "./commands/View";\n');
    expect(check()).toMatchObject({ status: 0, stderr: "" });
  });

  it("fails and names each file that imports Raycast from lib or cli", () => {
    file(
      "src/lib/sso/x.ts",
      '// fine: import { a } from "@raycast/api";\nimport { LocalStorage } from "@raycast/api";\n',
    );
    file("src/lib/y.ts", 'const u = require("@raycast/utils");\n');
    file("src/cli/z.ts", 'export { showToast } from "@raycast/api";\nconst m = import("@raycast/utils/dist/x");\n');
    const run = check();
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("src/lib/sso/x.ts:2 imports @raycast/api");
    expect(run.stderr).not.toContain("src/lib/sso/x.ts:1");
    expect(run.stderr).toContain("src/lib/y.ts:1 imports @raycast/utils");
    expect(run.stderr).toContain("src/cli/z.ts:1 imports @raycast/api");
    expect(run.stderr).toContain("src/cli/z.ts:2 imports @raycast/utils/dist/x");
    expect(run.stderr).toMatch(/4 import rule violation/);
  });

  it("fails when cli imports the command layer or an entry point, and when lib imports upwards", () => {
    file("src/cli/main.ts", 'import { TunnelList } from "../commands/tunnels/TunnelList";\n');
    file("src/cli/other.ts", 'import type { X } from "../connect-tunnel";\n');
    file("src/lib/tunnels/x.ts", 'import { y } from "../../cli/io";\n');
    file("src/commands/tunnels/TunnelList.tsx", "export const TunnelList = 1;\n");
    const run = check();
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("src/cli/main.ts:1 imports ../commands/tunnels/TunnelList (src/commands)");
    expect(run.stderr).toContain("src/cli/other.ts:1 imports ../connect-tunnel (a Raycast entry point)");
    expect(run.stderr).toContain("src/lib/tunnels/x.ts:1 imports ../../cli/io (src/cli)");
  });

  it("reads multi-line imports", () => {
    file("src/lib/m.ts", 'import {\n  a,\n  b,\n} from "@raycast/api";\n');
    const run = check();
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("src/lib/m.ts:1 imports @raycast/api");
  });
});
