import { mkdirSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import type { ReactTestRenderer } from "react-test-renderer";
import { join } from "node:path";
import type { ReactElement } from "react";
import { LaunchType, recorded, resetRaycast, setConfirmAnswer } from "../raycast/api";
import { find, findAll, interact, render, renderNow, unmount, waitFor } from "../raycast/render";
import { TunnelList } from "../../src/commands/tunnels/TunnelList";
import ConnectTunnel from "../../src/connect-tunnel";
import { loadTunnels, saveTunnel } from "../../src/lib/tunnels/store";
import { stopTunnel } from "../../src/lib/tunnels/supervisor";
import { makeHome, withProcessEnv, type TestHome } from "./fixtures";

let home: TestHome;
let env: Record<string, string>;

beforeEach(() => {
  resetRaycast();
  home = makeHome();
  env = home.env;
});
afterEach(() => home.cleanup());

async function renderList() {
  const view = await render(<TunnelList env={env} />);
  await waitFor(() => find(view.root, "List").props.isLoading === false, "tunnels to load");
  return view;
}

/** Renders an Action.Push target the way Raycast would after the user picks the action. */
async function push(action: { props: Record<string, unknown> }) {
  const form = await render(action.props.target as ReactElement);
  await waitFor(() => find(form.root, "Form").props.isLoading === false, "profiles to load");
  return form;
}

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

  it("shows 'No tunnels yet' with a ⌘N Create Tunnel action once loaded", async () => {
    const view = renderNow(<TunnelList env={env} />);
    expect(find(view.root, "List").props.isLoading).toBe(true);
    expect(findAll(view.root, "List.EmptyView")).toHaveLength(0); // no flicker while loading
    await waitFor(() => find(view.root, "List").props.isLoading === false);
    const empty = find(view.root, "List.EmptyView");
    expect(empty.props.title).toBe("No tunnels yet");
    const create = find(empty, "Action.Push");
    expect(create.props.title).toBe("Create Tunnel");
    expect(create.props.shortcut).toEqual({ modifiers: ["cmd"], key: "n" });
  });

  it("creates a tunnel through the form, then lists it", async () => {
    const view = await renderList();
    const form = await push(find(view.root, "Action.Push", (p) => p.title === "Create Tunnel"));

    // Only profiles usable for tunnels are offered; the first is preselected.
    const profile = find(form.root, "Form.Dropdown", (p) => p.id === "profile");
    expect(findAll(profile, "Form.Dropdown.Item").map((i) => i.props.value)).toEqual(["dev"]);
    expect(profile.props.value).toBe("dev");
    expect(find(form.root, "Form.TextField", (p) => p.id === "bindAddress").props.value).toBe("127.0.0.1");
    expect(find(form.root, "Form.Checkbox", (p) => p.id === "autoReconnect").props.value).toBe(true);
    const sessions = find(form.root, "Form.Dropdown", (p) => p.id === "sessions");
    expect(sessions.props.value).toBe("1");
    expect(findAll(sessions, "Form.Dropdown.Item").map((i) => i.props.value)).toEqual([
      "1",
      "2",
      "3",
      "4",
      "5",
      "6",
      "7",
      "8",
    ]);

    const type = async (id: string, value: string) =>
      interact(() =>
        (find(form.root, "Form.TextField", (p) => p.id === id).props.onChange as (v: string) => void)(value),
      );
    await type("name", "Orders DB");
    await type("target", "i-0123456789abcdef0");
    await type("remoteHost", "orders.internal");
    await type("remotePort", "5432");
    await type("localPort", "15432");
    await interact(() =>
      (find(form.root, "Form.Dropdown", (p) => p.id === "sessions").props.onChange as (v: string) => void)("4"),
    );
    await interact(() => (find(form.root, "Action.SubmitForm").props.onSubmit as () => Promise<void>)());

    expect(recorded.toasts.map((t) => [t.style, t.title])).toEqual([["success", "Tunnel saved"]]);
    expect(recorded.pops).toBe(1);
    const { tunnels } = await loadTunnels(env);
    expect(tunnels).toEqual([
      expect.objectContaining({
        name: "Orders DB",
        profile: "dev",
        target: "i-0123456789abcdef0",
        remoteHost: "orders.internal",
        remotePort: 5432,
        localPort: 15432,
        bindAddress: "127.0.0.1",
        autoReconnect: true,
        sessions: 4,
      }),
    ]);

    // onSaved reloads the list underneath.
    await waitFor(() => findAll(view.root, "List.Item").length === 1, "the saved tunnel to be listed");
    const item = find(view.root, "List.Item");
    expect(item.props.title).toBe("Orders DB");
    expect(item.props.subtitle).toBe("i-0123456789abcdef0 → orders.internal:5432");
    expect(item.props.accessories).toEqual([{ tag: "dev" }, { text: "127.0.0.1:15432" }]);
    expect(findAll(view.root, "List.EmptyView")).toHaveLength(0);
  });

  it("shows field errors and saves nothing when the form is invalid", async () => {
    await saveTunnel(env, {
      name: "Taken",
      profile: "dev",
      target: "i-0123abcd",
      remotePort: 22,
      localPort: 2222,
    });
    const view = await renderList();
    const form = await push(find(view.root, "Action.Push", (p) => p.title === "Create Tunnel"));
    const onChange = (id: string) =>
      find(form.root, "Form.TextField", (p) => p.id === id).props.onChange as (v: string) => void;
    await interact(() => onChange("name")("taken"));
    await interact(() => onChange("target")("i-nope"));
    await interact(() => onChange("remotePort")("70000"));
    await interact(() => onChange("bindAddress")("localhost"));
    await interact(() => (find(form.root, "Action.SubmitForm").props.onSubmit as () => Promise<void>)());

    const errorOf = (id: string) => find(form.root, "Form.TextField", (p) => p.id === id).props.error;
    expect(errorOf("name")).toBe('A tunnel named "taken" already exists');
    expect(errorOf("target")).toMatch(/i- or mi- followed by 8 or 17 hex digits/);
    expect(errorOf("remotePort")).toBe("Remote port must be a whole number from 1 to 65535");
    expect(errorOf("localPort")).toBe("Local port is required");
    expect(errorOf("bindAddress")).toMatch(/must be an IP address/);
    expect(recorded.toasts.map((t) => t.title)).toEqual(["Check the highlighted fields"]);
    expect(recorded.pops).toBe(0);
    expect((await loadTunnels(env)).tunnels).toHaveLength(1);

    // Editing a field clears its error.
    await interact(() => onChange("target")("i-0123abcd"));
    expect(errorOf("target")).toBeUndefined();
  });

  it("edits a tunnel in place, keeping its id", async () => {
    const saved = await saveTunnel(env, {
      name: "Web",
      profile: "dev",
      target: "i-0123abcd",
      remotePort: 80,
      localPort: 8080,
    });
    const view = await renderList();
    const form = await push(find(view.root, "Action.Push", (p) => p.title === "Edit Tunnel"));
    expect(find(form.root, "Form.TextField", (p) => p.id === "localPort").props.value).toBe("8080");
    expect(find(form.root, "Form.Dropdown", (p) => p.id === "sessions").props.value).toBe("1");
    await interact(() =>
      (find(form.root, "Form.TextField", (p) => p.id === "localPort").props.onChange as (v: string) => void)("9090"),
    );
    await interact(() => (find(form.root, "Action.SubmitForm").props.onSubmit as () => Promise<void>)());
    expect((await loadTunnels(env)).tunnels).toEqual([{ ...saved, localPort: 9090 }]);
    expect(recorded.toasts[0].title).toBe("Tunnel updated");
  });

  it("deletes a tunnel after confirmation only", async () => {
    await saveTunnel(env, { name: "Web", profile: "dev", target: "i-0123abcd", remotePort: 80, localPort: 8080 });
    const view = await renderList();
    const del = () =>
      find(view.root, "Action", (p) => p.title === "Delete Tunnel").props.onAction as () => Promise<void>;

    setConfirmAnswer(false);
    await interact(() => del()());
    expect((await loadTunnels(env)).tunnels).toHaveLength(1);

    setConfirmAnswer(true);
    await interact(() => del()());
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

  it("explains when no profile can open tunnels", async () => {
    writeFileSync(
      join(env.HOME, ".aws", "config"),
      "[profile static]\naws_access_key_id = x\naws_secret_access_key = y\n",
    );
    const view = await renderList();
    const form = await push(find(view.root, "Action.Push", (p) => p.title === "Create Tunnel"));
    expect(find(form.root, "Form.Description", (p) => p.title === "Profiles").props.text).toMatch(
      /No profile in .* can open tunnels/,
    );
  });

  describe("connecting (fake worker)", () => {
    const FAKE_WORKER = join(__dirname, "..", "tunnels", "fixtures", "fake-worker.js");
    let port: number;

    beforeEach(async () => {
      env.STORMTUNNEL_WORKER_COMMAND = JSON.stringify([process.execPath, FAKE_WORKER]);
      port = await freePort();
      await saveTunnel(env, {
        id: "t-web",
        name: "Web",
        profile: "dev",
        target: "i-0123abcd",
        remotePort: 80,
        localPort: port,
      });
    });
    afterEach(async () => {
      await stopTunnel("t-web", { env }).catch(() => undefined);
    });

    it("connects with a detached worker, shows Connected, then stops it", async () => {
      const view = await renderList();
      await interact(() => actionOf(view, "Connect Tunnel")());
      const toast = recorded.toasts[0];
      expect([toast.style, toast.title, toast.message]).toEqual(["success", "Connected Web", `127.0.0.1:${port}`]);
      expect(recorded.launches).toEqual([{ name: "tunnel-status", type: "background" }]);
      await waitFor(() => findAll(view.root, "Action").some((a) => a.props.title === "Stop Tunnel"), "Stop Tunnel");
      expect(find(view.root, "List.Item").props.accessories[0]).toMatchObject({ tag: { value: "Connected" } });

      await interact(() => actionOf(view, "Stop Tunnel")());
      expect(recorded.toasts[1].title).toBe("Stopped Web");
      await waitFor(() => findAll(view.root, "Action").some((a) => a.props.title === "Connect Tunnel"), "Connect");
    });

    it("reports a busy local port instead of starting", async () => {
      const blocker = createServer().listen(port, "127.0.0.1");
      await new Promise((resolve) => blocker.once("listening", resolve));
      try {
        const view = await renderList();
        await interact(() => actionOf(view, "Connect Tunnel")());
        expect(recorded.toasts[0]).toMatchObject({ style: "failure", title: "Could not connect Web" });
        expect(recorded.toasts[0].message).toMatch(new RegExp(String(port)));
      } finally {
        blocker.close();
      }
    });

    it("connects the tunnel named in the launch context (the menu bar's Connect)", async () => {
      const view = await render(<TunnelList env={env} connectOnOpen="t-web" />);
      await waitFor(() => recorded.toasts.some((t) => t.style === "success"), "the connection");
      expect(find(view.root, "List").props.selectedItemId).toBe("t-web");
      await waitFor(() => findAll(view.root, "Action").some((a) => a.props.title === "Stop Tunnel"), "Stop Tunnel");
    });
  });
});

const actionOf = (view: ReactTestRenderer, title: string) =>
  find(view.root, "Action", (p) => p.title === title).props.onAction as () => Promise<void>;

async function freePort(): Promise<number> {
  const server = createServer().listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
