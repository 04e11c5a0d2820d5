// Connect Tunnel: sections by state, polling, the primary action per state, copy/open, quicklinks, delete, empty states.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { LaunchType, LocalStorage, recorded, setConfirmAnswer } from "../raycast/api";
import { find, findAll, interact, render, renderNow, unmount, waitFor } from "../raycast/render";
import { TunnelList } from "../../src/commands/tunnels/TunnelList";
import ConnectTunnel from "../../src/connect-tunnel";
import { logPath, nextState, readState, writeState } from "../../src/lib/tunnels/state";
import { loadTunnels, saveTunnel } from "../../src/lib/tunnels/store";
import { fakeLoginWorker } from "./fake-login";
import { withProcessEnv, type TestHome } from "./fixtures";
import { listWorld } from "./tunnel-list-world";
import { actionsOf, itemOf, run, sections } from "./tunnel-list-helpers";

const { w, renderList, tunnelIn } = listWorld();
let home: TestHome;
let env: Record<string, string>;
beforeEach(() => {
  ({ home, env } = w);
});

describe("Connect Tunnel", () => {
  it("the entry point renders the tunnel list from the process environment", async () => {
    await saveTunnel(env, { name: "Web", profile: "dev", target: "i-0123abcd", remotePort: 80, localPort: 8080 });
    await withProcessEnv(env, async () => {
      const props = { launchType: LaunchType.UserInitiated, arguments: {} };
      const view = await render(<ConnectTunnel {...(props as unknown as Parameters<typeof ConnectTunnel>[0])} />);
      await waitFor(() => findAll(view.root, "List.Item").length === 1, "the saved tunnel");
      await unmount(view);
    });
  });

  it("groups tunnels by state, sorted by name, each with its tag and the reason it stopped or failed", async () => {
    await tunnelIn("connected", "web", { localAddress: "127.0.0.1:8080" });
    await tunnelIn("connected", "api");
    await tunnelIn("auth-required", "db", { lastError: "Sign-in needed: the SSO session has ended" });
    await tunnelIn("reconnecting", "cache", { lastError: "connection to Session Manager lost; resuming" });
    await tunnelIn("stopped", "ssh", { lastError: "session ended (auto-reconnect is off)" });
    await tunnelIn("error", "rds", {
      lastError: "The instance could not connect to orders-db.cluster-abc.eu-west-1.rds.amazonaws.com:5432: refused",
    });
    await tunnelIn("stopped", "old");
    await tunnelIn(undefined, "new");
    const view = await renderList();
    expect(sections(view)).toEqual([
      ["Needs Sign-In", ["db"]],
      ["Connected", ["api", "web"]],
      ["Connecting", ["cache"]],
      ["Failed", ["rds", "ssh"]],
      ["Stopped", ["new", "old"]],
    ]);
    expect(itemOf(view, "ssh").props.accessories.slice(0, 2)).toEqual([
      { text: "session ended (auto-reconnect is off)", tooltip: "session ended (auto-reconnect is off)" },
      { tag: { value: "Ended", color: "Red" }, tooltip: "Connect to start it again" },
    ]);
    expect(itemOf(view, "rds").props.accessories[0].text).toBe(
      "The instance could not connect to orders-db.cluster-abc.eu-…",
    );
    expect(itemOf(view, "old").props.accessories[0]).toEqual({
      tag: { value: "Stopped", color: "SecondaryText" },
      tooltip: "Connect to open the local port",
    });
    expect(itemOf(view, "web").props.accessories.at(-1)).toEqual({ text: "127.0.0.1:8080" });
  });

  it("the primary action follows the state: Sign in, Stop, Connect", async () => {
    await tunnelIn("auth-required", "db");
    await tunnelIn("connected", "web");
    await tunnelIn("error", "rds");
    await tunnelIn("stopped", "old");
    const view = await renderList();
    expect(actionsOf(view, "db").slice(0, 2)).toEqual(["Sign in", "Stop Tunnel"]);
    expect(actionsOf(view, "web")[0]).toBe("Stop Tunnel");
    expect(actionsOf(view, "rds")[0]).toBe("Stop Tunnel"); // its worker still runs and retries
    expect(actionsOf(view, "old")[0]).toBe("Connect Tunnel");
    // Every action of the item, whatever its kind (the stand-in fails the render if two share a key).
    const kinds = ["Action", "Action.Push", "Action.Open", "Action.CopyToClipboard", "Action.CreateQuicklink"];
    const shortcuts = Object.fromEntries(
      kinds.flatMap((kind) => findAll(itemOf(view, "old"), kind)).map((a) => [a.props.title, a.props.shortcut]),
    );
    expect(shortcuts).toEqual({
      "Connect Tunnel": undefined,
      "Show Details": { modifiers: ["cmd"], key: "i" },
      "Open Log": { modifiers: ["cmd"], key: "l" },
      "Copy Local Address": { common: "Copy" },
      "Copy PostgreSQL URL": { modifiers: ["cmd", "shift"], key: "u" },
      "Create Quicklink": { modifiers: ["cmd", "shift"], key: "l" },
      "Edit Tunnel": { common: "Edit" },
      "Duplicate Tunnel": { modifiers: ["cmd"], key: "d" },
      "Create Tunnel": { common: "New" },
      "Delete Tunnel": { common: "Remove" },
      "Stop All Tunnels": { modifiers: ["ctrl", "shift"], key: "x" },
      Refresh: { common: "Refresh" },
    });
    expect(find(itemOf(view, "web"), "Action", (p) => p.title === "Stop Tunnel").props.shortcut).toEqual({
      modifiers: ["ctrl"],
      key: "x",
    });
    for (const name of ["db", "web", "rds", "old"]) {
      expect(actionsOf(view, name)).toEqual(
        expect.arrayContaining(["Show Details", "Delete Tunnel", "Stop All Tunnels", "Refresh"]),
      );
    }
  });

  it("keeps polling while open: a drop to sign-in-needed shows within about 2 s", async () => {
    await tunnelIn("connected", "db");
    const view = await renderList({ pollMs: undefined });
    expect(sections(view)).toEqual([["Connected", ["db"]]]);
    const state = readState(env, "t-db")!;
    const changedAt = Date.now();
    writeState(
      env,
      nextState(state, { status: "auth-required", lastError: "Sign-in needed: token expired" }, new Date()),
    );
    await waitFor(() => sections(view)[0]?.[0] === "Needs Sign-In", "the poll to show it", 4000);
    expect(Date.now() - changedAt).toBeLessThan(3500);
  });

  it("copies a connection string for well-known ports and opens web ports in the browser", async () => {
    await saveTunnel(env, { name: "pg", profile: "dev", target: "i-0123abcd", remotePort: 5432, localPort: 15432 });
    await saveTunnel(env, { name: "web", profile: "dev", target: "i-0123abcd", remotePort: 8080, localPort: 18080 });
    await saveTunnel(env, { name: "ssh", profile: "dev", target: "i-0123abcd", remotePort: 22, localPort: 2222 });
    const view = await renderList();
    const copies = (name: string) =>
      Object.fromEntries(
        findAll(itemOf(view, name), "Action.CopyToClipboard").map((a) => [a.props.title, a.props.content]),
      );
    expect(copies("pg")).toEqual({
      "Copy Local Address": "127.0.0.1:15432",
      "Copy PostgreSQL URL": "postgresql://127.0.0.1:15432/",
    });
    expect(copies("ssh")).toEqual({ "Copy Local Address": "127.0.0.1:2222" });
    expect(find(itemOf(view, "web"), "Action.OpenInBrowser").props.url).toBe("http://127.0.0.1:18080/");
    expect(findAll(itemOf(view, "pg"), "Action.OpenInBrowser")).toHaveLength(0);
    expect(find(itemOf(view, "pg"), "Action.Open", (p) => p.title === "Open Log").props.target).toBe(
      logPath(env, (await loadTunnels(env)).tunnels.find((t) => t.name === "pg")!.id),
    );
  });

  it("Create Quicklink connects that tunnel by name through the command's argument", async () => {
    await saveTunnel(env, {
      name: "Orders DB",
      profile: "dev",
      target: "i-0123abcd",
      remotePort: 5432,
      localPort: 15432,
    });
    const view = await renderList();
    const quicklink = find(itemOf(view, "Orders DB"), "Action.CreateQuicklink").props.quicklink as {
      name: string;
      link: string;
    };
    expect(quicklink.name).toBe("Connect Orders DB");
    const url = new URL(quicklink.link);
    expect(`${url.protocol}//${url.host}${url.pathname}`).toBe(
      "raycast://extensions/stormtunnel/stormtunnel/connect-tunnel",
    );
    expect(JSON.parse(url.searchParams.get("arguments")!)).toEqual({ tunnel: "Orders DB" });
  });

  it("the name argument (a quicklink) of a tunnel waiting for sign-in starts the sign-in, as its Sign in does", async () => {
    const fake = await fakeLoginWorker(home, [{ status: "succeeded" }]);
    await tunnelIn("auth-required", "orders-db", { lastError: "Sign-in needed: the SSO session has ended" });
    await renderList({ connectName: "Orders-DB" });
    await waitFor(() => recorded.toasts[0]?.transitions.at(-1) === "success", "the sign-in");
    expect(fake.started()).toEqual({ argv: ["login", "dev"], method: "pkce" });
    expect(recorded.toasts.map((t) => t.title)).toEqual(["Signed in to corp"]); // no second worker was started
    expect(readState(env, "t-orders-db")?.status).toBe("auth-required"); // the running worker reconnects by itself
  });

  it("the name argument of an unknown tunnel says so instead of doing nothing", async () => {
    await renderList({ connectName: "nope" });
    await waitFor(() => recorded.toasts.length === 1, "the toast");
    expect(recorded.toasts[0]).toMatchObject({ style: "failure", title: 'No tunnel named "nope"' });
  });

  it("deletes a tunnel after confirmation only", async () => {
    await saveTunnel(env, { name: "Web", profile: "dev", target: "i-0123abcd", remotePort: 80, localPort: 8080 });
    const view = await renderList();
    setConfirmAnswer(false);
    await interact(() => run(view, "Web", "Delete Tunnel")());
    expect((await loadTunnels(env)).tunnels).toHaveLength(1);
    setConfirmAnswer(true);
    await interact(() => run(view, "Web", "Delete Tunnel")());
    expect(recorded.alerts).toHaveLength(2);
    expect((await loadTunnels(env)).tunnels).toHaveLength(0);
    await waitFor(() => findAll(view.root, "List.EmptyView").length === 1, "the empty view");
  });

  it("shows a corrupt tunnels file as a problem instead of an empty list", async () => {
    mkdirSync(env.STORMTUNNEL_HOME, { recursive: true });
    writeFileSync(join(env.STORMTUNNEL_HOME, "tunnels.json"), "{oops");
    const view = await renderList();
    expect(findAll(view.root, "List.EmptyView")).toHaveLength(0);
    const problem = find(
      find(view.root, "List.Section", (p) => p.title === "Needs Attention"),
      "List.Item",
    );
    expect(problem.props.title).toMatch(/could not be read/);
  });

  describe("empty states", () => {
    it("no tunnels yet: ⌘N Create Tunnel, no flicker while loading", async () => {
      const view = renderNow(<TunnelList env={env} />);
      expect(find(view.root, "List").props.isLoading).toBe(true);
      expect(findAll(view.root, "List.EmptyView")).toHaveLength(0);
      await waitFor(() => find(view.root, "List").props.isLoading === false);
      const empty = find(view.root, "List.EmptyView");
      expect(empty.props.title).toBe("No tunnels yet");
      expect(empty.props.description).not.toMatch(/Open .* once/);
      const create = find(empty, "Action.Push");
      expect(create.props.title).toBe("Create Tunnel");
      expect(create.props.shortcut).toEqual({ common: "New" });
    });

    it("first run: says Refresh Tokens and Tunnel Status must be opened once, and opens them", async () => {
      await LocalStorage.clear();
      await LocalStorage.setItem("ran.v1.refresh-tokens", "x");
      const view = await renderList();
      const empty = find(view.root, "List.EmptyView");
      expect(empty.props.description).toMatch(/Open Tunnel Status once/);
      await interact(() =>
        (find(empty, "Action", (p) => p.title === "Open Tunnel Status").props.onAction as () => Promise<void>)(),
      );
      expect(recorded.launches).toEqual([{ name: "tunnel-status", type: "userInitiated" }]);
    });

    it("first run with tunnels: a Get Started row that can be hidden", async () => {
      await LocalStorage.clear();
      await saveTunnel(env, { name: "Web", profile: "dev", target: "i-0123abcd", remotePort: 80, localPort: 8080 });
      const view = await renderList();
      const hint = find(view.root, "List.Item", (p) => p.id === "first-run");
      expect(hint.props.title).toBe("Open Refresh Tokens and Tunnel Status once");
      await interact(() =>
        (find(hint, "Action", (p) => p.title === "Hide This Hint").props.onAction as () => Promise<void>)(),
      );
      await waitFor(() => findAll(view.root, "List.Item").every((i) => i.props.id !== "first-run"), "the hint to go");
    });

    it("no AWS config: how to create one, with the SSO snippet", async () => {
      rmSync(join(env.HOME, ".aws", "config"));
      const view = await renderList();
      const empty = find(view.root, "List.EmptyView");
      expect(empty.props.title).toBe("No AWS config yet");
      expect(empty.props.description).toContain("aws configure sso");
      const snippet = find(empty, "Action.CopyToClipboard", (p) => p.title === "Copy SSO Config Snippet");
      expect(snippet.props.content).toMatch(/^\[sso-session my-sso\]\nsso_start_url = /);
    });

    it("no SSO profile: says what is missing", async () => {
      home.writeAwsConfig("[profile static]\naws_access_key_id = x\naws_secret_access_key = y\n");
      const view = await renderList();
      const empty = find(view.root, "List.EmptyView");
      expect(empty.props.title).toBe("No SSO profile can open tunnels");
      expect(empty.props.description).toContain("[sso-session]");
      expect(find(empty, "Action.Open").props.target).toBe(join(env.HOME, ".aws", "config"));
    });
  });
});
