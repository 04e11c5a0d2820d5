// `npm test` on a fresh machine: scripts/ensure-test-tools.mjs finds a Chromium and botocore or fetches them from the
// npm registry, and where nothing can be had says in one line what to install. The machine's own Chromium and
// botocore are hidden from it (candidate lists, a python3 without site-packages), never removed.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import PACKAGES from "../../scripts/test-tools/packages.json";
import { python, testTool, type TestTool } from "../support/test-tools";

jest.setTimeout(15 * 60_000); // a first fetch downloads about 90 MB

const { chromium: CHROMIUM_PACKAGE, awscli: AWSCLI_PACKAGE } = PACKAGES;
const SCRIPT = join(__dirname, "..", "..", "scripts", "ensure-test-tools.mjs");
const linuxX64 = process.platform === "linux" && process.arch === "x64";
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "stormtunnel-tools-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A machine without Chromium or `aws`, whose python3 has no botocore; `npm` adds npm settings (e.g. offline). */
function bareMachine(npm: Record<string, string> = {}): NodeJS.ProcessEnv {
  const bin = join(dir, "bin");
  mkdirSync(bin);
  // -I -S: the interpreter sees neither site-packages nor PYTHONPATH, so botocore is not importable.
  writeFileSync(join(bin, "python3"), `#!/bin/sh\nexec "${python().command}" -I -S "$@"\n`);
  chmodSync(join(bin, "python3"), 0o755);
  const env: NodeJS.ProcessEnv = { ...process.env, ...npm };
  delete env.CHROMIUM_PATH;
  delete env.PYTHONPATH;
  return {
    ...env,
    STORMTUNNEL_CHROMIUM_CANDIDATES: "[]",
    STORMTUNNEL_AWS_CANDIDATES: "[]",
    STORMTUNNEL_PYTHON_CANDIDATES: JSON.stringify([join(bin, "python3")]),
    STORMTUNNEL_TEST_TOOLS_DIR: join(dir, "tools"),
  };
}

function ensure(env: NodeJS.ProcessEnv, ...args: string[]) {
  const r = spawnSync(process.execPath, [SCRIPT, ...args], { env, encoding: "utf8", timeout: 14 * 60_000 });
  return { status: r.status, stdout: r.stdout, lines: r.stderr.trim().split("\n") };
}

test("nothing to be had (no Chromium, botocore or AWS CLI; no registry): one line saying what to install", () => {
  const env = bareMachine({ npm_config_offline: "true", npm_config_cache: join(dir, "npm-cache") });
  const r = ensure(env);
  expect(r.status).toBe(1);
  expect(r.stdout).toBe("");
  const last = r.lines[r.lines.length - 1];
  expect(last).toMatch(/^npm test needs what this machine lacks: a Chromium \(.*CHROMIUM_PATH.*\); botocore for/);
  expect(last).toContain("; botocore for python3 and the AWS CLI (python3 -m pip install awscli; fetching ");
  expect(r.lines.filter((l) => /^\s+at /.test(l))).toEqual([]);
  // Progress lines say what was tried; the registry was really asked and refused (npm's offline error).
  expect(r.lines.length).toBeLessThanOrEqual(3);
  expect(last).toContain(`${AWSCLI_PACKAGE.name}@${AWSCLI_PACKAGE.version} from the npm registry failed: ENOTCACHED`);
  if (linuxX64) {
    expect(last).toContain(`${CHROMIUM_PACKAGE.name}@${CHROMIUM_PACKAGE.version} from the npm registry failed`);
  }
  expect(readdirSync(join(dir, "tools"))).toEqual([]); // no half-unpacked tool left behind

  // What a browser test shows on such a machine when run by jest directly: that line, without a stack trace.
  let thrown: Error | undefined;
  try {
    testTool("chromium", env);
  } catch (e) {
    thrown = e as Error;
  }
  expect(thrown?.message).toMatch(/^npm test needs what this machine lacks: a Chromium/);
  expect(thrown?.stack).toBe(thrown?.message);
});

test("CHROMIUM_PATH naming no program is reported as such", () => {
  const env = { ...bareMachine(), CHROMIUM_PATH: join(dir, "no-such-chrome") };
  const r = ensure(env, "--only", "chromium");
  expect(r.status).toBe(1);
  expect(r.lines).toEqual([
    `npm test needs what this machine lacks: a Chromium (CHROMIUM_PATH=${join(dir, "no-such-chrome")} is not an executable file).`,
  ]);
});

test("a fresh machine gets botocore, the AWS CLI and (Linux x64) a Chromium from the npm registry; all work", async () => {
  const env = bareMachine();
  const py = ensure(env, "--json", "--only", "python");
  expect({ status: py.status, stderr: py.lines }).toEqual({ status: 0, stderr: [expect.stringContaining("fetching")] });
  const pyTool = (JSON.parse(py.stdout) as { python: TestTool }).python;
  const layer = join(dir, "tools", `awscli-layer-${AWSCLI_PACKAGE.version}`);
  expect(pyTool.env.PYTHONPATH).toBe(layer);
  const version = spawnSync(
    pyTool.command,
    ["-c", "import botocore.session, botocore.tokens; print(botocore.__version__)"],
    {
      env: { PATH: process.env.PATH, ...pyTool.env },
      encoding: "utf8",
    },
  );
  expect(version.stdout.trim()).toBe(AWSCLI_PACKAGE.botocore); // ours, not a copy the interpreter had
  // The same layer gives the `aws` command, run by this machine's python3.
  const aws = ensure(env, "--json", "--only", "aws");
  expect({ status: aws.status, stderr: aws.lines }).toEqual({ status: 0, stderr: [""] }); // the layer is there
  const awsTool = (JSON.parse(aws.stdout) as { aws: TestTool }).aws;
  expect(awsTool.command).toBe(join(layer, "aws-cli"));
  const awsVersion = spawnSync(awsTool.command, ["--version"], { env: { PATH: process.env.PATH }, encoding: "utf8" });
  expect(`${awsVersion.stdout}${awsVersion.stderr}`).toMatch(
    new RegExp(`^aws-cli/${AWSCLI_PACKAGE.awscli.replace(/\./g, "\\.")} .*botocore/${AWSCLI_PACKAGE.botocore}`),
  );

  const ch = ensure(env, "--json", "--only", "chromium");
  if (!linuxX64) {
    expect(ch.status).toBe(1);
    expect(ch.lines.pop()).toMatch(/a Chromium \(install .*CHROMIUM_PATH\)\.$/);
    return;
  }
  expect({ status: ch.status, stderr: ch.lines }).toEqual({ status: 0, stderr: [expect.stringContaining("fetching")] });
  const tool = (JSON.parse(ch.stdout) as { chromium: TestTool }).chromium;
  expect(tool.command).toBe(join(dir, "tools", `chromium-${CHROMIUM_PACKAGE.version}`, "chromium"));
  // Run again: the unpacked copy is reused, nothing is fetched.
  const again = ensure(env, "--json", "--only", "chromium");
  expect({ status: again.status, stderr: again.lines }).toEqual({ status: 0, stderr: [""] });

  const server: Server = createServer((_req, res) =>
    res.end(`<button onclick="document.title='clicked'">Allow</button>`),
  );
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const browser = await chromium.launch({
    executablePath: tool.command,
    env: { ...process.env, ...tool.env },
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
  });
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${(server.address() as { port: number }).port}/`);
    await page.getByRole("button", { name: "Allow" }).click();
    expect(await page.title()).toBe("clicked");
  } finally {
    await browser.close();
    server.close();
  }
});
