// `npm run emulator` as scripts use it: flags become knobs, --endpoints-file, targets answer, SIGTERM stops it cleanly.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  CreateTokenCommand,
  RegisterClientCommand,
  SSOOIDCClient,
  StartDeviceAuthorizationCommand,
} from "@aws-sdk/client-sso-oidc";
import { ENDPOINT_NAMES } from "./endpoints";

jest.setTimeout(60_000);

const ROOT = join(__dirname, "..", "..");
let dir: string;
let child: ChildProcess | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "stormtunnel-emucli-"));
});
afterEach(() => {
  // tsx runs the script in a child process: kill the whole group we started, should a test fail midway.
  if (child?.pid && child.exitCode === null) {
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

function start(args: string[]): { out: () => string; exited: Promise<number | null> } {
  let out = "";
  child = spawn(join(ROOT, "node_modules", ".bin", "tsx"), [join(__dirname, "cli.ts"), ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child!.on("exit", (code) => r(code)));
  return { out: () => out, exited };
}

async function waitFor(path: string): Promise<void> {
  for (let i = 0; i < 300 && !existsSync(path); i++) await new Promise((r) => setTimeout(r, 100));
}

function echo(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(port, "127.0.0.1", () => s.write(text));
    s.on("data", (d) => {
      resolve(d.toString());
      s.end();
    });
    s.on("error", reject);
  });
}

test("flags set knobs, endpoints file and targets work, SIGTERM exits 0 and removes the file", async () => {
  const file = join(dir, "endpoints.json");
  const run = start(["--auto-approve", "--access-token-ttl", "120", "--agent-mode", "basic", "--endpoints-file", file]);
  await waitFor(file);
  const endpoints = JSON.parse(readFileSync(file, "utf8")) as Record<string, string | number>;
  expect(Object.keys(endpoints).sort()).toEqual([...ENDPOINT_NAMES, "echoPort", "httpPort"].sort());

  expect(await echo(endpoints.echoPort as number, "ping")).toBe("ping");
  const page = await fetch(`http://127.0.0.1:${endpoints.httpPort}/bytes/100000`);
  expect((await page.arrayBuffer()).byteLength).toBe(100000);

  const oidc = new SSOOIDCClient({ region: "us-east-1", endpoint: endpoints.ssoOidc as string, maxAttempts: 1 });
  const reg = await oidc.send(new RegisterClientCommand({ clientName: "cli", clientType: "public" }));
  const dev = await oidc.send(
    new StartDeviceAuthorizationCommand({
      clientId: reg.clientId,
      clientSecret: reg.clientSecret,
      startUrl: "https://d-0000000000.awsapps.com/start",
    }),
  );
  const token = await oidc.send(
    new CreateTokenCommand({
      clientId: reg.clientId,
      clientSecret: reg.clientSecret,
      grantType: "urn:ietf:params:oauth:grant-type:device_code",
      deviceCode: dev.deviceCode,
    }),
  );
  expect(token.expiresIn).toBe(120);
  oidc.destroy();

  expect(run.out()).toContain(`export AWS_ENDPOINT_URL_SSO_OIDC=${endpoints.ssoOidc}`);
  expect(run.out()).toContain("sso_start_url = https://d-0000000000.awsapps.com/start");
  expect(run.out()).toContain(`TCP echo ${endpoints.echoPort}`);
  child!.kill("SIGTERM");
  expect(await run.exited).toBe(0);
  expect(existsSync(file)).toBe(false);
});

test("bad flags exit 2 with the usage text", async () => {
  const run = start(["--idle-timeout", "soon"]);
  expect(await run.exited).toBe(2);
  expect(run.out()).toContain("--idle-timeout needs a whole number");
  expect(run.out()).toContain("--endpoints-file PATH");
});
