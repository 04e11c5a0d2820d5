// The product's promise, through the Raycast views with real state: a real tunnel worker (the shipped bundle) against
// the emulator loses its SSO session → Connect Tunnel and the menu show it needs a sign-in → one click on Sign in
// runs the real login worker (device code, approved by the emulator) → the worker reconnects by itself → both views
// show Connected. Also: the menu's Stop, and Stop All from the menu or the list, free the port of a tunnel waiting for
// sign-in; failures show their reason.
import { appendFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import type { ReactTestRenderer } from "react-test-renderer";
import { LocalStorage, environment, recorded, resetRaycast, setPreferences } from "../raycast/api";
import { find, findAll, interact, render, waitFor as waitForUi } from "../raycast/render";
import { TunnelStatusMenu } from "../../src/commands/menu/TunnelStatusMenu";
import { TunnelList } from "../../src/commands/tunnels/TunnelList";
import { groupFor, loadAwsConfig } from "../../src/lib/aws";
import { readState } from "../../src/lib/tunnels/state";
import { isWorkerAlive } from "../../src/lib/tunnels/supervisor/liveness";
import { EMULATOR_START_URL, writeSeededToken } from "../emulator/support/seeded-token";
import { FAKE_SECURITY } from "../commands/fixtures";
import { itemOf, sections } from "../commands/tunnel-list-helpers";
import { createWorld, type World } from "./harness";
import { echoOnce } from "./traffic";

let w: World;
beforeEach(async () => {
  resetRaycast();
  await LocalStorage.setItem("ran.v1.refresh-tokens", "x");
  await LocalStorage.setItem("ran.v1.tunnel-status", "x");
  // Device code, approved by the emulator as a user would in the browser; BROWSER=true opens nothing.
  setPreferences({ loginMethod: "device-code" });
  w = await createWorld({ knobs: { autoApprove: true } }, { BROWSER: "true" });
  // Never the real Keychain, even on a Mac.
  Object.assign(w.env, { STORMTUNNEL_SECURITY_PATH: FAKE_SECURITY, FAKE_SECURITY_DIR: join(w.t.dir, "keychain") });
  mkdirSync(w.env.FAKE_SECURITY_DIR, { recursive: true });
});
afterEach(() => w?.close());

/** The IdP session ends and the cached token expires: only a sign-in helps, and the worker says so. */
async function loseSignIn(id: string) {
  const tokenFile = await w.tokenFile();
  w.emu.oidc.endIdpSessions();
  const token = JSON.parse(readFileSync(tokenFile, "utf8"));
  token.expiresAt = new Date(Date.now() - 60_000).toISOString();
  writeFileSync(`${tokenFile}.tmp`, JSON.stringify(token));
  renameSync(`${tokenFile}.tmp`, tokenFile);
  await w.waitStatus(id, "auth-required");
}

async function renderMenu() {
  Object.assign(environment, { commandName: "tunnel-status", commandMode: "menu-bar" });
  const menu = await render(<TunnelStatusMenu env={w.env} />);
  await waitForUi(() => find(menu.root, "MenuBarExtra").props.isLoading === false, "the menu");
  Object.assign(environment, { commandName: "connect-tunnel", commandMode: "view" });
  return menu;
}

const menuItem = (menu: ReactTestRenderer, title: string) =>
  find(menu.root, "MenuBarExtra.Item", (p) => p.title === title);

/** Something else can listen on the port now. */
async function expectPortFree(port: number) {
  await new Promise<void>((resolve, reject) => {
    const s = createServer().listen(port, "127.0.0.1", () => s.close(() => resolve()));
    s.once("error", reject);
  });
}

/** Adds an SSO session `name` (with profile `name`) to the AWS config, signed in against the emulator. */
async function signedInSession(name: string) {
  appendFileSync(
    w.env.AWS_CONFIG_FILE,
    [
      `[sso-session ${name}]`,
      `sso_start_url = ${EMULATOR_START_URL}`,
      "sso_region = us-east-1",
      "sso_registration_scopes = sso:account:access",
      "",
      `[profile ${name}]`,
      `sso_session = ${name}`,
      "sso_account_id = 111122223333",
      "sso_role_name = Developer",
      "region = us-east-1",
      "",
    ].join("\n"),
  );
  await writeSeededToken(w.emu, groupFor(await loadAwsConfig({ env: w.env }), name)!.tokenCacheFile);
}

describe("the sign-in loop in one click", () => {
  test("Sign in on a tunnel waiting for sign-in → real login → the worker reconnects → list and menu show Connected", async () => {
    await w.seedToken();
    const def = await w.define({ name: "orders-db" });
    await w.start(def);
    await w.waitStatus(def.id, "connected");
    await loseSignIn(def.id);

    const list = await render(<TunnelList env={w.env} pollMs={300} />);
    await waitForUi(() => sections(list)[0]?.[0] === "Needs Sign-In", "the list to show it");
    expect(itemOf(list, "orders-db").props.accessories[1].tag.value).toBe("Sign-In Needed");
    let menu = await renderMenu();
    expect(find(menu.root, "MenuBarExtra").props.icon).toEqual({ source: "Bolt", tintColor: "Orange" });
    expect(menuItem(menu, "orders-db").props.subtitle).toBe("Sign in to dev");

    const signIn = find(itemOf(list, "orders-db"), "Action", (p) => p.title === "Sign in");
    await interact(() => (signIn.props.onAction as () => Promise<void>)());
    const toast = recorded.toasts[0];
    expect(toast.transitions).toEqual(["animated", "success"]);
    expect(toast.title).toBe("Signed in to corp");
    expect(w.emu.oidc.createTokenCalls.device_code).toBeGreaterThan(0);
    expect(recorded.launches).toContainEqual({ name: "tunnel-status", type: "background" });

    // Nobody touched the tunnel: its worker saw the new token and reconnected by itself.
    await w.waitStatus(def.id, "connected", 30_000);
    await waitForUi(() => sections(list)[0]?.[0] === "Connected", "the list to show Connected", 10_000);
    expect(sections(list)).toEqual([["Connected", ["orders-db"]]]);
    menu = await renderMenu();
    expect(find(menu.root, "MenuBarExtra").props.icon).toBe("Bolt");
    expect(find(menu.root, "MenuBarExtra").props.title).toBe("1");
    expect(menuItem(menu, "orders-db").props.subtitle).toBe(`127.0.0.1:${def.localPort}`);
    const data = Buffer.from("through the tunnel again\n");
    expect((await echoOnce(def.localPort, data)).toString()).toBe(data.toString());
  }, 90_000);

  test("the menu's Stop on a tunnel waiting for sign-in frees its port", async () => {
    await w.seedToken();
    const def = await w.define({ name: "db" });
    await w.start(def);
    await w.waitStatus(def.id, "connected");
    await loseSignIn(def.id);
    const menu = await renderMenu();
    const row = menuItem(menu, "db");
    const stop = row.props.alternate as { props: { title: string; onAction: () => Promise<void> } };
    expect(stop.props.title).toBe("Stop db");
    expect(findAll(menu.root, "MenuBarExtra.Item").map((i) => i.props.title)).toContain("Stop All Tunnels");
    await interact(() => stop.props.onAction());
    expect(readState(w.env, def.id)?.status).toBe("stopped");
    await expectPortFree(def.localPort);
  }, 60_000);

  test.each(["the menu", "the list"])(
    "%s's Stop All stops a tunnel waiting for sign-in with the connected ones and frees every port",
    async (where) => {
      await w.seedToken();
      const waiting = await w.define({ name: "orders-db" });
      await w.start(waiting);
      await w.waitStatus(waiting.id, "connected");
      await loseSignIn(waiting.id);
      // A second SSO session, still signed in: its tunnel stays connected.
      await signedInSession("ops");
      const connected = await w.define({ name: "reports", profile: "ops" });
      await w.start(connected);
      await w.waitStatus(connected.id, "connected");
      expect(readState(w.env, waiting.id)?.status).toBe("auth-required");
      const workers = [waiting, connected].map((d) => ({ id: d.id, pid: readState(w.env, d.id)!.pid! }));

      if (where === "the menu") {
        const menu = await renderMenu();
        await interact(() => (menuItem(menu, "Stop All Tunnels").props.onAction as () => Promise<void>)());
      } else {
        const list = await render(<TunnelList env={w.env} pollMs={60_000} />);
        await waitForUi(() => sections(list)[0]?.[0] === "Needs Sign-In", "the list");
        const stopAll = find(itemOf(list, "orders-db"), "Action", (p) => p.title === "Stop All Tunnels");
        await interact(() => (stopAll.props.onAction as () => Promise<void>)());
        expect(recorded.alerts.map((a) => a.title)).toEqual(["Stop all 2 running tunnels?"]);
        expect(recorded.toasts.at(-1)?.title).toBe("Stopped 2 tunnels");
      }
      for (const { id, pid } of workers) {
        expect(readState(w.env, id)?.status).toBe("stopped");
        expect(await isWorkerAlive(pid, id)).toBe(false);
      }
      for (const def of [waiting, connected]) await expectPortFree(def.localPort);
    },
    90_000,
  );

  test("a refused destination and an ended session show their reason in the list", async () => {
    await w.seedToken();
    const refused = await w.define({ name: "pg", remoteHost: "db.internal" });
    const ended = await w.define({ name: "ssh", autoReconnect: false });
    await w.start(refused);
    await w.start(ended);
    await w.waitStatus(refused.id, "connected");
    const { sessionId } = await w.waitStatus(ended.id, "connected");
    w.emu.dataChannel.refuseDestination(`db.internal:${refused.remotePort}`);
    await echoOnce(refused.localPort, Buffer.from("x")).catch(() => undefined);
    w.emu.ssm.endSession(sessionId!, "terminated by an admin", "Session terminated by an administrator.");
    await w.waitStatus(ended.id, "stopped");

    const list = await render(<TunnelList env={w.env} pollMs={300} />);
    await waitForUi(
      () =>
        findAll(list.root, "List.Item").some((i) =>
          String(i.props.accessories?.[0]?.text ?? "").startsWith("The instance could not connect"),
        ),
      "the refused connection",
      10_000,
    );
    expect(itemOf(list, "pg").props.accessories[0].tooltip).toMatch(
      /^The instance could not connect to db\.internal:\d+: Connection to destination port failed/,
    );
    expect(sections(list)).toEqual([
      ["Connected", ["pg"]],
      ["Failed", ["ssh"]],
    ]);
    const reason = itemOf(list, "ssh").props.accessories[0].tooltip as string;
    expect(reason).toContain("Session terminated by an administrator.");
    expect(reason).toContain("auto-reconnect is off");
  }, 60_000);
});
