// `npm run emulator` as scripts use it: flags become knobs, --endpoints-file, targets answer, SIGTERM stops it cleanly.
import { existsSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import {
  CreateTokenCommand,
  RegisterClientCommand,
  SSOOIDCClient,
  StartDeviceAuthorizationCommand,
} from "@aws-sdk/client-sso-oidc";
import { ENDPOINT_NAMES } from "./endpoints";
import { cleanUpEmulatorProcesses, startEmulatorProcess } from "./support/cli-process";

jest.setTimeout(60_000);

afterEach(cleanUpEmulatorProcesses);

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
  const run = startEmulatorProcess((dir) => [
    "--auto-approve",
    "--access-token-ttl",
    "120",
    "--agent-mode",
    "basic",
    "--no-pacing",
    "--endpoints-file",
    join(dir, "endpoints.json"),
  ]);
  const endpoints = await run.endpoints();
  expect(Object.keys(endpoints).sort()).toEqual([...ENDPOINT_NAMES, "control", "echoPort", "httpPort"].sort());

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

  const knobs = (await (await fetch(`${endpoints.control}/knobs`)).json()) as Record<string, unknown>;
  expect(knobs).toMatchObject({ pacing: false, agentVersion: "3.0.196.0", autoApprove: true });
  expect(run.out()).toContain(`export AWS_ENDPOINT_URL_SSO_OIDC=${endpoints.ssoOidc}`);
  expect(run.out()).toContain("sso_start_url = https://d-0000000000.awsapps.com/start");
  expect(run.out()).toContain(`TCP echo ${endpoints.echoPort}`);
  expect(run.out()).toContain(`control ${endpoints.control}`);
  expect(run.out()).toMatch(/i-0123456789abcdef0 +bastion +running/);
  expect(run.out()).toMatch(/i-0aaaabbbbccccdddd +old-batch +stopped, not connected to SSM/);
  run.child.kill("SIGTERM");
  expect(await run.exited).toBe(0);
  expect(existsSync(join(run.dir, "endpoints.json"))).toBe(false);
});

test("paced by default; the banner says so", async () => {
  const run = startEmulatorProcess((dir) => ["--endpoints-file", join(dir, "endpoints.json")]);
  const endpoints = await run.endpoints();
  const knobs = (await (await fetch(`${endpoints.control}/knobs`)).json()) as Record<string, unknown>;
  expect(knobs.pacing).toBe(true);
  expect(run.out()).toContain("paced like AWS (1 KiB + 1 ms)");
});

test.each([
  [["--idle-timeout", "soon"], "--idle-timeout needs a whole number"],
  [["--pacing", "--no-pacing"], "--pacing and --no-pacing contradict each other"],
  [["--control-port", "70000"], "--control-port needs a whole number from 0 to 65535, got 70000"],
])("bad flags %j exit 2 with the usage text", async (args, message) => {
  const run = startEmulatorProcess(() => args);
  expect(await run.exited).toBe(2);
  expect(run.out()).toContain(message);
  expect(run.out()).toContain("--endpoints-file PATH");
});
