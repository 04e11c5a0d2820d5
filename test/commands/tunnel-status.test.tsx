import { join } from "node:path";
import { environment, recorded, resetRaycast, setLaunchError } from "../raycast/api";
import { find, findAll, interact, render, renderNow, unmount, waitFor } from "../raycast/render";
import { TunnelStatusMenu } from "../../src/commands/menu/TunnelStatusMenu";
import { saveTunnel } from "../../src/lib/tunnels/store";
import TunnelStatus from "../../src/tunnel-status";
import { fakeLoginWorker } from "./fake-login";
import { makeHome, withProcessEnv, type TestHome } from "./fixtures";
import { cliLogin, corpCacheFile } from "./mirror-helpers";

let home: TestHome;
let env: Record<string, string>;

beforeEach(() => {
  resetRaycast();
  Object.assign(environment, { commandName: "tunnel-status", commandMode: "menu-bar" });
  home = makeHome();
  env = home.env;
});
afterEach(() => home.cleanup());

async function renderMenu() {
  const view = renderNow(<TunnelStatusMenu env={env} />);
  // Raycast unloads a menu-bar command once isLoading is false: it must stay true until the data is in.
  expect(find(view.root, "MenuBarExtra").props.isLoading).toBe(true);
  await waitFor(() => find(view.root, "MenuBarExtra").props.isLoading === false, "the menu to load");
  return view;
}

const item = (view: Awaited<ReturnType<typeof renderMenu>>, title: string) =>
  find(view.root, "MenuBarExtra.Item", (p) => p.title === title);

const db = { id: "t-db", name: "db", profile: "dev", target: "i-0123abcd", remotePort: 5432, localPort: 15432 };

describe("Tunnel Status menu", () => {
  it("keeps isLoading until loaded, then shows the empty state and footer", async () => {
    const view = await renderMenu();
    const menu = find(view.root, "MenuBarExtra");
    expect(menu.props.title).toBeUndefined();
    expect(menu.props.tooltip).toBe("StormTunnel: no tunnels");
    expect(item(view, "No tunnels yet").props.onAction).toBeUndefined();
    await interact(() => (item(view, "Create Tunnel…").props.onAction as () => Promise<void>)());
    expect(recorded.launches).toEqual([{ name: "connect-tunnel", type: "userInitiated", context: undefined }]);
  });

  it("renders the last menu at once from the cache, then refreshes it", async () => {
    await saveTunnel(env, db);
    await unmount(await renderMenu());
    await saveTunnel(env, { ...db, id: "t-web", name: "web", localPort: 18080, remotePort: 80 });
    const view = renderNow(<TunnelStatusMenu env={env} />);
    // First frame: still loading, yet already the cached menu (not an empty one).
    expect(find(view.root, "MenuBarExtra").props.isLoading).toBe(true);
    expect(findAll(view.root, "MenuBarExtra.Item").map((i) => i.props.title)).toContain("db");
    await waitFor(() => find(view.root, "MenuBarExtra").props.isLoading === false, "the refresh");
    expect(findAll(view.root, "MenuBarExtra.Item").map((i) => i.props.title)).toEqual(
      expect.arrayContaining(["db", "web"]),
    );
  });

  it("a saved tunnel that is not running never raises the badge; clicking its signed-out profile signs in at once", async () => {
    await saveTunnel(env, db);
    const newToken = join(home.root, "new-token.json");
    cliLogin(newToken);
    const fake = await fakeLoginWorker(home, [{ status: "waiting-for-browser" }, { status: "succeeded" }], {
      token: { from: newToken, to: await corpCacheFile(home) },
    });
    const view = await renderMenu();
    expect(find(view.root, "MenuBarExtra").props.icon).toBe("Bolt"); // no badge: nothing runs
    expect(item(view, "db").props.subtitle).toBe("Not Connected");
    const profile = item(view, "dev");
    expect(profile.props.subtitle).toBe("Signed out · click to sign in");

    let signingIn: Promise<void> | undefined;
    await interact(() => {
      signingIn = (profile.props.onAction as () => Promise<void>)();
    });
    // No view in between: the login worker runs, and the menu stays loaded while it does.
    await waitFor(() => fake.started() !== undefined, "the login worker");
    expect(fake.started()?.argv).toEqual(["login", "dev"]);
    expect(find(view.root, "MenuBarExtra").props.isLoading).toBe(true);
    await waitFor(() => recorded.toasts[0]?.message === "Finish signing in in your browser", "the browser prompt");
    fake.advance();
    await interact(() => signingIn);
    expect(recorded.toasts[0].transitions).toEqual(["animated", "success"]);
    expect(recorded.launches).toEqual([{ name: "tunnel-status", type: "background" }]); // re-render now
    await waitFor(() => item(view, "dev").props.subtitle === "Signed in · renews automatically", "the new token");
    expect(find(view.root, "MenuBarExtra").props.isLoading).toBe(false);
  });

  it("shows a failure toast when the other command cannot be launched", async () => {
    setLaunchError(new Error("Command is disabled"));
    const view = await renderMenu();
    await interact(() => (item(view, "Authenticate Profile…").props.onAction as () => Promise<void>)());
    expect(recorded.toasts.map((t) => [t.style, t.title, t.message])).toEqual([
      ["failure", "Could not open authenticate-profile", "Command is disabled"],
    ]);
  });

  it("opens the extension preferences", async () => {
    const view = await renderMenu();
    await interact(() => (item(view, "Preferences…").props.onAction as () => Promise<void>)());
    expect(recorded.preferencesOpened).toEqual(["extension"]);
    expect(findAll(view.root, "MenuBarExtra.Section").length).toBeGreaterThan(0);
  });

  it("the entry point renders the menu from the process environment and notes that it ran", async () => {
    await withProcessEnv(env, async () => {
      const view = await render(<TunnelStatus />);
      await waitFor(() => find(view.root, "MenuBarExtra").props.isLoading === false, "the menu to load");
    });
    const { LocalStorage } = await import("../raycast/api");
    expect(await LocalStorage.getItem("ran.v1.tunnel-status")).toBeTruthy();
  });
});
