import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { runScript } from "./run-script";

type Manifest = Record<string, unknown> & {
  commands: Record<string, unknown>[];
  preferences: Record<string, unknown>[];
};

const REAL: Manifest = JSON.parse(readFileSync(join(__dirname, "..", "..", "package.json"), "utf8"));

/** Just enough PNG for the check: signature + IHDR with the given size. */
function png(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(25);
  ihdr.writeUInt32BE(13, 0);
  ihdr.write("IHDR", 4, "ascii");
  ihdr.writeUInt32BE(width, 8);
  ihdr.writeUInt32BE(height, 12);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), ihdr]);
}

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), "stormtunnel-manifest-"));
  for (const c of REAL.commands) put(`src/${c.name}.tsx`, "export default function Command() {}\n");
  put("assets/extension-icon.png", png(512, 512));
  put("assets/extension-icon@dark.png", png(512, 512));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function put(path: string, content: string | Buffer) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
}

function check(change: (m: Manifest) => void = () => undefined) {
  const manifest: Manifest = structuredClone(REAL);
  change(manifest);
  put("package.json", JSON.stringify(manifest));
  return runScript("check-manifest.mjs", ["--root", root]);
}

const command = (m: Manifest, name: string) => m.commands.find((c) => c.name === name)!;
const preference = (m: Manifest, name: string) => m.preferences.find((p) => p.name === name)!;

describe("check-manifest", () => {
  it("passes the repository's manifest and icons", () => {
    const run = runScript("check-manifest.mjs");
    expect(run.stderr).toBe("");
    expect(run.stdout).toContain("check-manifest: OK (4 commands, 6 preferences");
    expect(run.status).toBe(0);
  });

  it("declares the four commands, intervals and preference defaults the product needs", () => {
    expect(REAL.commands.map((c) => [c.name, c.mode, c.interval])).toEqual([
      ["connect-tunnel", "view", undefined],
      ["tunnel-status", "menu-bar", "1m"],
      ["authenticate-profile", "view", undefined],
      ["refresh-tokens", "no-view", "1m"],
    ]);
    expect(Object.fromEntries(REAL.preferences.map((p) => [p.name, p.default]))).toEqual({
      autoRefresh: true,
      refreshThresholdMinutes: "5",
      refreshCheckIntervalSeconds: "60",
      loginMethod: "pkce",
      mirrorToKeychain: true,
      awsConfigFile: undefined,
    });
    expect(REAL.platforms).toEqual(["macOS"]);
  });

  it("passes a good manifest in a scratch tree", () => {
    expect(check()).toMatchObject({ status: 0, stderr: "" });
  });

  it.each<[string, (m: Manifest) => void, RegExp]>([
    ["a missing author", (m) => delete m.author, /"author" is required/],
    ["a lower-case extension title", (m) => (m.title = "storm tunnel"), /title "storm tunnel" is not in Title Case/],
    [
      "a lower-case command title",
      (m) => (command(m, "connect-tunnel").title = "Connect tunnel"),
      /command connect-tunnel: title "Connect tunnel" is not in Title Case/,
    ],
    [
      "a lower-case preference title",
      (m) => (preference(m, "loginMethod").title = "Login method"),
      /preference loginMethod: title "Login method"/,
    ],
    ["an unknown category", (m) => (m.categories = ["Developer tools"]), /category "Developer tools" is not one of/],
    ["an unknown platform", (m) => (m.platforms = ["Linux"]), /platform "Linux"/],
    [
      "a command without its file",
      (m) => m.commands.push({ name: "ghost", title: "Ghost", description: "Boo", mode: "view" }),
      /command ghost: no entry file src\/ghost\.\{ts,tsx,js,jsx\}/,
    ],
    [
      "an interval on a view command",
      (m) => (command(m, "connect-tunnel").interval = "1m"),
      /interval is only allowed on no-view and menu-bar commands/,
    ],
    ["an interval below 1m", (m) => (command(m, "refresh-tokens").interval = "10s"), /"10s" is below the 1m minimum/],
    [
      "a malformed interval",
      (m) => (command(m, "tunnel-status").interval = "1 minute"),
      /must be a number and s, m, h or d/,
    ],
    ["an unknown mode", (m) => (command(m, "tunnel-status").mode = "menubar"), /mode "menubar" is not one of/],
    [
      "a dropdown default outside its values",
      (m) => (preference(m, "refreshThresholdMinutes").default = "3"),
      /preference refreshThresholdMinutes: default "3" is not one of the dropdown values/,
    ],
    [
      "a checkbox without a label",
      (m) => delete preference(m, "autoRefresh").label,
      /preference autoRefresh: a checkbox needs a label/,
    ],
    [
      "a checkbox with a string default",
      (m) => (preference(m, "mirrorToKeychain").default = "true"),
      /a checkbox default must be true or false/,
    ],
    [
      "a preference without 'required'",
      (m) => delete preference(m, "awsConfigFile").required,
      /"required" must be true or false/,
    ],
    [
      "a preference without a description",
      (m) => delete preference(m, "loginMethod").description,
      /"description" is required/,
    ],
    [
      "a misspelt Raycast",
      (m) => (m.description = "Tunnels for RayCast users"),
      /"RayCast" should be spelled "Raycast"/,
    ],
    [
      "a lower-case raycast in a command description",
      (m) => (command(m, "tunnel-status").description = "Shows tunnels in the raycast menu"),
      /command tunnel-status: "raycast" should be spelled "Raycast"/,
    ],
    ["a non-MIT license", (m) => (m.license = "ISC"), /license must be "MIT"/],
  ])("fails on %s", (_what, change, message) => {
    const run = check(change);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(message);
  });

  it("fails on a wrong-size icon and a dark variant that is not a PNG", () => {
    put("assets/extension-icon.png", png(256, 256));
    put("assets/extension-icon@dark.png", "not a png");
    const run = check();
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("icon assets/extension-icon.png is 256×256; it must be 512×512");
    expect(run.stderr).toContain("icon assets/extension-icon@dark.png is not a PNG file");
  });

  it("fails on a missing icon file", () => {
    rmSync(join(root, "assets", "extension-icon.png"));
    expect(check().stderr).toContain("icon assets/extension-icon.png does not exist");
  });

  it("allows minor words in lower case inside a title", () => {
    expect(check((m) => (command(m, "connect-tunnel").title = "Connect to a Tunnel"))).toMatchObject({ status: 0 });
  });
});
