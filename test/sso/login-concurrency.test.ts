// One login per SSO session: concurrent requests join, in one process and across processes; cancel from outside.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { join } from "node:path";
import { startEmulator, type Emulator } from "../emulator";
import { makeLoginCommand } from "../../src/cli/commands/login";
import { login, type LoginOptions } from "../../src/lib/sso/login";
import { readLoginProgress, type LoginProgress } from "../../src/lib/sso/login/state";
import { readToken } from "../../src/lib/sso/token-cache";
import { approveInBrowser, deferred, groupOf, httpGet, makeTempHome, writeAwsConfig, type TempHome } from "./helpers";

jest.setTimeout(60_000);

let emu: Emulator;
let home: TempHome;
const children: ChildProcessWithoutNullStreams[] = [];

beforeEach(async () => {
  emu = await startEmulator();
  home = makeTempHome();
  writeAwsConfig(home);
});
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill("SIGKILL");
  await emu.close();
  home.cleanup();
});

function authorizeCount(): number {
  return emu.log.filter((e) => e.operation === "Authorize" && e.method === "GET" && e.path === "/authorize").length;
}

function registerCount(): number {
  return emu.log.filter((e) => e.operation === "RegisterClient").length;
}

function startChild(args: string[]): {
  child: ChildProcessWithoutNullStreams;
  browserUrl: Promise<string>;
  exit: Promise<number>;
} {
  const child = spawn(
    process.execPath,
    ["--require", "tsx/cjs", join(__dirname, "fixtures", "login-child.ts"), ...args],
    {
      env: { ...home.env, ...emu.env(), NODE_NO_WARNINGS: "1" } as NodeJS.ProcessEnv,
      cwd: join(__dirname, "..", ".."),
    },
  );
  children.push(child);
  let out = "";
  const browserUrl = new Promise<string>((resolve) => {
    child.stdout.on("data", (d) => {
      out += d;
      const m = /BROWSER (\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
  });
  child.stderr.on("data", () => undefined);
  const exit = new Promise<number>((resolve) => child.once("exit", (code, sig) => resolve(code ?? (sig ? 128 : 1))));
  return { child, browserUrl, exit };
}

it("joins a second request in the same process: one registration, one browser tab, one token", async () => {
  emu.knobs.autoApprove = true;
  const { group } = await groupOf(home, "dev");
  const opened: string[] = [];
  const secondSaw: LoginProgress[] = [];
  const browserOpened = deferred<string>();
  const secondWaits = deferred();
  const base: LoginOptions = { env: home.env, method: "pkce", endpoints: emu.endpoints };
  const first = login(group, {
    ...base,
    openBrowser: async (url) => {
      opened.push(url);
      browserOpened.resolve(url);
    },
  });
  // Profiles sharing the session share the login: dev-ro joins dev's.
  const { group: sameSession } = await groupOf(home, "dev-ro");
  const second = login(sameSession, {
    ...base,
    onProgress: (p) => {
      secondSaw.push(p);
      if (p.status === "waiting-for-browser") secondWaits.resolve();
    },
    openBrowser: async (u) => void opened.push(u),
  });
  // The user approves once both callers are waiting on the same browser tab.
  const url = await browserOpened.promise;
  await secondWaits.promise;
  await approveInBrowser(url);
  const [a, b] = await Promise.all([first, second]);
  expect(a.accessToken).toBe(b.accessToken);
  expect(opened).toHaveLength(1);
  expect(registerCount()).toBe(1);
  expect(authorizeCount()).toBe(1);
  expect(secondSaw.some((p) => p.status === "waiting-for-browser" && p.authorizeUrl === opened[0])).toBe(true);
});

it("one caller cancelling does not cancel the login for the others", async () => {
  emu.knobs.autoApprove = true;
  const { group } = await groupOf(home, "dev");
  const ac = new AbortController();
  const browserOpened = deferred<string>();
  let tabs = 0;
  const base: LoginOptions = {
    env: home.env,
    method: "pkce",
    endpoints: emu.endpoints,
    openBrowser: async (u) => (tabs++, browserOpened.resolve(u)),
  };
  const quitter = login(group, { ...base, signal: ac.signal });
  const stayer = login(group, base);
  ac.abort();
  await expect(quitter).rejects.toMatchObject({ kind: "cancelled" });
  await approveInBrowser(await browserOpened.promise);
  expect((await stayer).accessToken).toBeTruthy();
  // The two callers shared one login: one browser tab, one client registration, one authorization.
  expect(tabs).toBe(1);
  expect(emu.log.filter((e) => e.operation === "RegisterClient" && e.status === 200)).toHaveLength(1);
  expect(authorizeCount()).toBe(1);
});

it("follows a login running in another process instead of opening a second tab", async () => {
  emu.knobs.autoApprove = true;
  const { group } = await groupOf(home, "dev");
  const child = startChild(["dev"]);
  const url = await child.browserUrl;
  const progress = await readLoginProgress(home.env, group);
  expect(progress).toMatchObject({ status: "waiting-for-browser", pid: child.child.pid, authorizeUrl: url });

  const opened: string[] = [];
  const seen: LoginProgress[] = [];
  const followed = deferred();
  const ours = login(group, {
    env: home.env,
    method: "pkce",
    endpoints: emu.endpoints,
    openBrowser: async (u) => void opened.push(u),
    onProgress: (p) => {
      seen.push(p);
      followed.resolve();
    },
  });
  await followed.promise; // our login has read the other process's progress
  expect(seen[0]).toMatchObject({ pid: child.child.pid, authorizeUrl: url });
  await approveInBrowser(url);
  const token = await ours;
  expect(await child.exit).toBe(0);
  expect(opened).toEqual([]);
  expect(registerCount()).toBe(1);
  expect(authorizeCount()).toBe(1);
  const read = await readToken(group.tokenCacheFile);
  expect(read.state === "ok" && read.token.accessToken).toBe(token.accessToken);
});

it("cancels a login in another process with `login --cancel`; the follower is told, the listener closes", async () => {
  const { group } = await groupOf(home, "dev");
  const child = startChild(["dev"]);
  const url = await child.browserUrl;
  const follower = login(group, { env: home.env, endpoints: emu.endpoints, openBrowser: async () => undefined });
  const out: string[] = [];
  const io = {
    env: home.env,
    stdout: (l: string) => out.push(l),
    stderr: (l: string) => out.push(l),
    signal: new AbortController().signal,
  };
  expect(await makeLoginCommand()(["--cancel", "dev"], io)).toBe(0);
  expect(out).toEqual(["Login for profile dev cancelled."]);
  expect(await child.exit).toBe(130);
  expect((await readLoginProgress(home.env, group))?.status).toBe("cancelled");
  await expect(follower).rejects.toMatchObject({ kind: "cancelled" });
  // The login's loopback listener is gone: its redirect address refuses connections.
  const redirect = new URL(url).searchParams.get("redirect_uri")!;
  await expect(httpGet(`${redirect}?code=x`)).rejects.toMatchObject({ code: "ECONNREFUSED" });
});

it("takes over when the process running the login dies", async () => {
  emu.knobs.autoApprove = true;
  const { group } = await groupOf(home, "dev");
  const child = startChild(["dev"]);
  const childUrl = await child.browserUrl;
  const browserOpened = deferred<string>();
  const ours = login(group, {
    env: home.env,
    method: "pkce",
    endpoints: emu.endpoints,
    openBrowser: async (u) => browserOpened.resolve(u),
  });
  child.child.kill("SIGKILL");
  await child.exit;
  const url = await browserOpened.promise;
  await approveInBrowser(url);
  expect((await ours).accessToken).toBeTruthy();
  // Our own browser tab (new state, new port), on the registration the dead process left in the CLI cache.
  expect(url).not.toBe(childUrl);
  expect(registerCount()).toBe(1);
});
