import { recorded, resetRaycast, setLaunchError } from "../raycast/api";
import { find, findAll, interact, render, renderNow, waitFor } from "../raycast/render";
import { TunnelStatusMenu } from "../../src/commands/menu/TunnelStatusMenu";
import { saveTunnel } from "../../src/lib/tunnels/store";
import TunnelStatus from "../../src/tunnel-status";
import { makeHome, withProcessEnv, type TestHome } from "./fixtures";

let home: TestHome;
let env: Record<string, string>;

beforeEach(() => {
  resetRaycast();
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

  it("lists saved tunnels with the profile's sign-in state and badges a signed-out profile", async () => {
    await saveTunnel(env, {
      id: "t-db",
      name: "db",
      profile: "dev",
      target: "i-0123abcd",
      remotePort: 5432,
      localPort: 15432,
    });
    const view = await renderMenu();
    expect(item(view, "db").props.subtitle).toBe("Not connected");
    const profile = item(view, "dev");
    expect(profile.props.subtitle).toBe("Signed out");
    expect(find(view.root, "MenuBarExtra").props.icon).toEqual({ source: "Bolt", tintColor: "Orange" });

    await interact(() => (profile.props.onAction as () => Promise<void>)());
    expect(recorded.launches).toEqual([
      { name: "authenticate-profile", type: "userInitiated", context: { profile: "dev" } },
    ]);

    await interact(() => (item(view, "db").props.onAction as () => Promise<void>)());
    expect(recorded.launches[1]).toEqual({
      name: "connect-tunnel",
      type: "userInitiated",
      context: { tunnelId: "t-db" },
    });
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

  it("the entry point renders the menu from the process environment", async () => {
    await withProcessEnv(env, async () => {
      const view = await render(<TunnelStatus />);
      await waitFor(() => find(view.root, "MenuBarExtra").props.isLoading === false, "the menu to load");
    });
  });
});
