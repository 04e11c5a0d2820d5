// `npm run demo`: StormTunnel end to end on this machine, no AWS account needed. A local AWS emulator (sign-in,
// Session Manager, an instance with a web app and an echo service behind it), a throwaway HOME, and the real
// `stormtunnel` bundle driven through its CLI. Each step says what it shows; any failed step exits non-zero.
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { get } from "node:http";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { startEmulator, type Emulator } from "../test/emulator";
import { startEchoServer, startHttpServer, type Target } from "../test/emulator/targets";
import { isWorkerAlive } from "../src/lib/tunnels/supervisor/liveness";

const ROOT = resolve(__dirname, "..");
const INSTANCE = "i-0123456789abcdef0";
const say = (text: string) => process.stdout.write(`\n▶ ${text}\n`);
const show = (text: string) => {
  const body = text.trimEnd();
  if (body) process.stdout.write(body.replace(/^/gm, "    ") + "\n");
};

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** A free local port below the ephemeral range, so no outgoing connection grabs it between checks. */
async function freePort(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = 20000 + Math.floor(Math.random() * 12000);
    const free = await new Promise<boolean>((ok) => {
      const s = createServer();
      s.once("error", () => ok(false));
      s.listen(port, "127.0.0.1", () => s.close(() => ok(true)));
    });
    if (free) return port;
  }
  throw new Error("no free local port");
}

function httpGet(port: number, path = "/"): Promise<string> {
  return new Promise((ok, fail) => {
    const req = get({ host: "127.0.0.1", port, path, timeout: 10_000 }, (res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => ok(body));
    });
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", fail);
  });
}

/** Bytes of a GET, counted as they arrive. */
function httpBytes(port: number, path: string): Promise<number> {
  return new Promise((ok, fail) => {
    const req = get({ host: "127.0.0.1", port, path, timeout: 30_000 }, (res) => {
      let n = 0;
      res.on("data", (c: Buffer) => (n += c.length));
      res.on("end", () => ok(n));
    });
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", fail);
  });
}

function echo(port: number, text: string): Promise<string> {
  return new Promise((ok, fail) => {
    // Wait for the whole echo before closing: closing a tunnelled connection closes both directions.
    const socket = connect(port, "127.0.0.1", () => socket.write(text));
    let got = "";
    socket.setTimeout(10_000, () => socket.destroy(new Error("timed out")));
    socket.on("data", (d) => {
      got += d;
      if (got.length >= text.length) {
        socket.destroy();
        ok(got);
      }
    });
    socket.on("close", () => fail(new Error(`connection closed after ${JSON.stringify(got)}`)));
    socket.on("error", fail);
  });
}

async function eventually<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function demo(): Promise<void> {
  const started = Date.now();
  const dir = mkdtempSync(join(tmpdir(), "stormtunnel-demo-"));
  let emu: Emulator | undefined;
  const targets: Target[] = [];
  let env: Record<string, string> = {};
  let cli: (args: string[]) => Promise<Run> = async () => ({ code: 0, stdout: "", stderr: "" });
  const pids = new Set<number>();
  try {
    say("Starting a local AWS on 127.0.0.1: IAM Identity Center, Session Manager and an instance with two services.");
    emu = await startEmulator({ knobs: { autoApprove: true } });
    const web = await startHttpServer();
    const db = await startEchoServer();
    targets.push(web, db);
    if (emu.knobs.pacing) {
      show("its agent paces output like the real one (1 KiB per message, 1 ms apart), so speeds are AWS-like");
    }
    show(
      `emulator: SSO OIDC ${emu.endpoints.ssoOidc}, SSM ${emu.endpoints.ssm}, data channel ${emu.endpoints.ssmmessages}; on instance ${INSTANCE}: web app on port ${web.port}, echo service on port ${db.port}`,
    );

    say("Writing a throwaway HOME with an SSO profile (nothing of yours is read or written).");
    const home = join(dir, "home");
    const configFile = join(home, ".aws", "config");
    mkdirSync(join(home, ".aws"), { recursive: true });
    writeFileSync(
      configFile,
      [
        "[sso-session demo]",
        "sso_start_url = https://d-0000000000.awsapps.com/start",
        "sso_region = us-east-1",
        "sso_registration_scopes = sso:account:access",
        "",
        "[profile demo-dev]",
        "sso_session = demo",
        "sso_account_id = 111122223333",
        "sso_role_name = Developer",
        "region = us-east-1",
        "",
      ].join("\n"),
    );
    show(readFileSync(configFile, "utf8"));

    say("Building the worker bundle (the same assets/stormtunnel.js Raycast runs) into the demo directory.");
    const bundle = join(dir, "stormtunnel.js");
    await new Promise<void>((ok, fail) =>
      execFile(
        process.execPath,
        [join(ROOT, "scripts", "build-worker.mjs"), "--outfile", bundle],
        (err, out, errOut) => (err ? fail(new Error(`build-worker failed: ${errOut}`)) : (show(out), ok())),
      ),
    );
    // The "browser": fetches the sign-in page; the emulator approves it and redirects to StormTunnel's callback.
    // It takes a second first, as a person would, so connect has time to show the sign-in page it is waiting on.
    const browser = join(dir, "browser.js");
    writeFileSync(
      browser,
      "setTimeout(() => fetch(process.argv[2]).then((r) => r.text()).then(() => process.exit(0), () => process.exit(1)), 1000);\n",
    );
    env = {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: home,
      AWS_CONFIG_FILE: configFile,
      STORMTUNNEL_HOME: join(home, ".config", "stormtunnel"),
      BROWSER: `${process.execPath} ${browser}`,
      STORMTUNNEL_CHECK_INTERVAL_MS: "1000",
      // The AWS SDK warns about Node 20 on every start; keep the demo's output about the tunnels.
      NODE_NO_WARNINGS: "1",
      ...emu.env(),
    };
    cli = (args) =>
      new Promise((ok) =>
        execFile(process.execPath, [bundle, ...args], { env, timeout: 120_000 }, (err, stdout, stderr) =>
          ok({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        ),
      );
    const must = async (args: string[]): Promise<string> => {
      process.stdout.write(`    $ stormtunnel ${args.join(" ")}\n`);
      const r = await cli(args);
      show(r.stdout + r.stderr);
      if (r.code !== 0) throw new Error(`stormtunnel ${args.join(" ")} exited with ${r.code}`);
      return r.stdout;
    };

    say("Saving two tunnels: the web app on the instance itself, and the echo service through it to db.internal.");
    const webPort = await freePort();
    const dbPort = await freePort();
    const base = ["--profile", "demo-dev", "--target", INSTANCE];
    await must([
      "tunnel",
      "add",
      "--name",
      "web",
      ...base,
      "--remote-port",
      `${web.port}`,
      "--local-port",
      `${webPort}`,
    ]);
    const viaDb = ["--remote-host", "db.internal", "--remote-port", `${db.port}`, "--local-port", `${dbPort}`];
    await must(["tunnel", "add", "--name", "db", ...base, ...viaDb]);

    say("Connecting. There is no token yet, so the first connect opens the browser to sign in (auto-approved here).");
    await must(["connect", "web"]);
    for (const s of readStates(env)) if (s.pid) pids.add(s.pid);
    say("The same sign-in covers the second tunnel: no browser this time.");
    await must(["connect", "db"]);
    for (const s of readStates(env)) if (s.pid) pids.add(s.pid);

    say(`Fetching the web page through the tunnel (127.0.0.1:${webPort}) and echoing data through db.internal.`);
    show(`GET / → ${(await httpGet(webPort)).trim()}`);
    const reply = await echo(dbPort, "ping through Session Manager");
    if (reply !== "ping through Session Manager") throw new Error(`echo returned ${JSON.stringify(reply)}`);
    show(`echo → ${reply}`);
    const downloadStart = Date.now();
    const got = await httpBytes(webPort, "/bytes/1048576");
    if (got !== 1048576) throw new Error(`the 1 MiB download brought ${got} bytes`);
    const seconds = (Date.now() - downloadStart) / 1000;
    show(`1 MiB download → ${seconds.toFixed(1)} s (${(1.048576 / seconds).toFixed(2)} MB/s: Session Manager's pace)`);
    const sleeps = emu.dataChannel.sessions().reduce((n, v) => n + v.stats.pacingSleeps, 0);
    show(`the agent slept after each of its messages: ${sleeps} pacing sleeps so far`);
    await new Promise((r) => setTimeout(r, 1200)); // workers write their byte counters once a second
    await must(["status"]);

    say("Time passes: the SSO token expires and the IdP session has ended, so the silent refresh fails.");
    emu.oidc.endIdpSessions();
    emu.clock.advance(2 * 3600_000);
    expireCachedToken(home);
    await eventually("tunnels show auth-required", async () => {
      const r = await cli(["status", "--json"]);
      const rows = JSON.parse(r.stdout) as { status: string }[];
      return rows.every((row) => row.status === "auth-required") ? true : undefined;
    });
    await must(["status"]);
    say(
      "Two hours on, Session Manager has closed the idle sessions too. The tunnels wait for a sign-in, not in a loop.",
    );
    const sessionsBefore = readStates(env).map((st) => st.sessionId);
    const sessionCalls = () => emu!.log.filter((e) => /^(StartSession|ResumeSession)$/.test(e.operation)).length;
    const callsBefore = sessionCalls();
    await new Promise((r) => setTimeout(r, 3000));
    if (sessionCalls() !== callsBefore)
      throw new Error(`${sessionCalls() - callsBefore} session calls while signed out`);
    show("no StartSession/ResumeSession attempts in 3 s while nobody can sign in; the local ports stay open");

    say("Signing in again. The tunnels notice the new token by themselves and reconnect.");
    await must(["login", "demo-dev"]);
    await eventually("tunnels reconnect", async () => {
      const rows = JSON.parse((await cli(["status", "--json"])).stdout) as { status: string }[];
      return rows.every((row) => row.status === "connected") ? true : undefined;
    });
    await must(["status"]);
    const sessionsAfter = readStates(env).map((st) => st.sessionId);
    if (sessionsAfter.some((id) => sessionsBefore.includes(id))) throw new Error("a tunnel kept its old session");
    show("both tunnels run on new Session Manager sessions, behind the same local ports");
    show(`GET / → ${(await eventually("web page again", () => httpGet(webPort))).trim()}`);
    show(`echo → ${await eventually("echo again", () => echo(dbPort, "still here"))}`);

    say("Disconnecting everything and checking nothing is left behind.");
    await must(["disconnect", "--all"]);
    for (const pid of pids) if (await alive(pid)) throw new Error(`worker ${pid} is still running`);
    for (const port of [webPort, dbPort]) await assertFree(port);
    show(`no worker process left; ports ${webPort} and ${dbPort} are free`);
    say("Demo finished: every step worked.");
    show(`took ${Math.round((Date.now() - started) / 1000)} s`);
  } finally {
    if (env.HOME) await cli(["disconnect", "--all"]).catch(() => undefined);
    for (const pid of pids) if (await alive(pid)) kill(pid);
    for (const t of targets) await t.close();
    await emu?.close();
    if (process.env.STORMTUNNEL_DEMO_KEEP) process.stdout.write(`(kept ${dir})\n`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

function readStates(env: Record<string, string>): { pid?: number; sessionId?: string }[] {
  const dir = join(env.STORMTUNNEL_HOME, "state");
  return readdirSync(dir)
    .filter((n: string) => n.endsWith(".json"))
    .map((n: string) => JSON.parse(readFileSync(join(dir, n), "utf8")));
}

/** What the clock does to a cached token: its expiresAt passes (the emulator's clock was advanced to match). */
function expireCachedToken(home: string): void {
  const cache = join(home, ".aws", "sso", "cache");
  for (const name of readdirSync(cache)) {
    const file = join(cache, name);
    const token = JSON.parse(readFileSync(file, "utf8"));
    if (!token.accessToken) continue;
    token.expiresAt = new Date(Date.now() - 60_000).toISOString().replace(/\.\d+Z$/, "Z");
    writeFileSync(`${file}.tmp`, JSON.stringify(token), { mode: 0o600 });
    renameSync(`${file}.tmp`, file);
  }
}

const alive = (pid: number) => isWorkerAlive(pid);

function kill(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // gone
  }
}

function assertFree(port: number): Promise<void> {
  return new Promise((ok, fail) => {
    const s = connect(port, "127.0.0.1");
    s.once("connect", () => (s.destroy(), fail(new Error(`port ${port} is still open`))));
    s.once("error", () => ok());
  });
}

if (require.main === module) {
  demo().then(
    () => process.exit(0),
    (err: Error) => {
      process.stderr.write(`\n✗ Demo failed: ${err.message}\n`);
      process.exit(1);
    },
  );
}
