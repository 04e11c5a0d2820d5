// Connect Tunnel with a worker (the fake one): connect, stop, Stop All, connect on open, and restarting after an edit.
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { LocalStorage, recorded, resetRaycast, setConfirmAnswer } from "../raycast/api";
import { find, findAll, interact, render, submitForm, unmount, waitFor } from "../raycast/render";
import { TunnelList } from "../../src/commands/tunnels/TunnelList";
import { logPath, readState } from "../../src/lib/tunnels/state";
import { loadTunnels, saveTunnel } from "../../src/lib/tunnels/store";
import { stopTunnel } from "../../src/lib/tunnels/supervisor";
import { isWorkerAlive } from "../../src/lib/tunnels/supervisor/liveness";
import { freePort } from "../tunnels/helpers";
import { makeHome, type TestHome } from "./fixtures";
import { actionsOf, itemOf, listHelpers, push, run, sections } from "./tunnel-list-helpers";

let home: TestHome;
let env: Record<string, string>;
let renderList: ReturnType<typeof listHelpers>["renderList"];

beforeEach(async () => {
  resetRaycast();
  home = makeHome();
  env = home.env;
  renderList = listHelpers(() => env).renderList;
  // The background commands have run: no first-run hint among the sections.
  await LocalStorage.setItem("ran.v1.refresh-tokens", "x");
  await LocalStorage.setItem("ran.v1.tunnel-status", "x");
});
afterEach(() => home.cleanup());

/** Something else can listen on the port now. */
async function expectPortFree(port: number) {
  await new Promise<void>((resolve, reject) => {
    const s = createServer().listen(port, "127.0.0.1", () => s.close(() => resolve()));
    s.once("error", reject);
  });
}

describe("Connect Tunnel", () => {
  describe("with a worker (fake)", () => {
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
      await stopTunnel("t-api", { env }).catch(() => undefined);
    });

    it("connects with a detached worker, shows Connected, then stops it", async () => {
      const view = await renderList();
      await interact(() => run(view, "Web", "Connect Tunnel")());
      const toast = recorded.toasts[0];
      expect(toast.transitions).toEqual(["animated", "success"]);
      expect([toast.title, toast.message]).toEqual(["Connected Web", `127.0.0.1:${port}`]);
      expect(recorded.launches).toEqual([{ name: "tunnel-status", type: "background" }]);
      await waitFor(() => actionsOf(view, "Web")[0] === "Stop Tunnel", "Stop Tunnel");
      expect(sections(view)).toEqual([["Connected", ["Web"]]]);

      await interact(() => run(view, "Web", "Stop Tunnel")());
      expect(recorded.toasts[1].title).toBe("Stopped Web");
      await waitFor(() => actionsOf(view, "Web")[0] === "Connect Tunnel", "Connect");
    });

    it("reports a busy local port instead of starting", async () => {
      const blocker = createServer().listen(port, "127.0.0.1");
      await new Promise((resolve) => blocker.once("listening", resolve));
      try {
        const view = await renderList();
        await interact(() => run(view, "Web", "Connect Tunnel")());
        expect(recorded.toasts[0]).toMatchObject({ style: "failure", title: "Could not connect Web" });
        expect(recorded.toasts[0].message).toMatch(new RegExp(String(port)));
      } finally {
        blocker.close();
      }
    });

    it("connects the tunnel named in the launch context (the menu bar's Connect) or the argument", async () => {
      const view = await render(<TunnelList env={env} connectOnOpen="t-web" />);
      await waitFor(() => recorded.toasts.some((t) => t.style === "success"), "the connection");
      expect(find(view.root, "List").props.selectedItemId).toBe("t-web");
      await waitFor(() => actionsOf(view, "Web")[0] === "Stop Tunnel", "Stop Tunnel");
      await unmount(view);
      await stopTunnel("t-web", { env });
      resetRaycast();
      await render(<TunnelList env={env} connectName="web" />); // names match without case
      await waitFor(() => recorded.toasts.some((t) => t.title === "Connected Web"), "the connection by name");
    });

    it("Stop All asks first, then stops every running tunnel", async () => {
      await saveTunnel(env, {
        id: "t-api",
        name: "api",
        profile: "dev",
        target: "i-0123abcd",
        remotePort: 81,
        localPort: await freePort(),
      });
      const view = await renderList();
      await interact(() => run(view, "Web", "Connect Tunnel")());
      await interact(() => run(view, "api", "Connect Tunnel")());
      await waitFor(() => sections(view)[0]?.[1].length === 2, "both connected");
      setConfirmAnswer(false);
      await interact(() => run(view, "Web", "Stop All Tunnels")());
      expect(sections(view)[0]).toEqual(["Connected", ["api", "Web"]]);
      setConfirmAnswer(true);
      await interact(() => run(view, "Web", "Stop All Tunnels")());
      expect(recorded.alerts.map((a) => a.title)).toEqual([
        "Stop all 2 running tunnels?",
        "Stop all 2 running tunnels?",
      ]);
      expect(recorded.toasts.at(-1)?.title).toBe("Stopped 2 tunnels");
      await waitFor(() => sections(view)[0]?.[0] === "Stopped", "both stopped");
    });

    it("Delete of a running tunnel asks, stops its worker and frees the port, then removes the tunnel", async () => {
      const view = await renderList();
      await interact(() => run(view, "Web", "Connect Tunnel")());
      await waitFor(() => actionsOf(view, "Web")[0] === "Stop Tunnel", "connected");
      const pid = readState(env, "t-web")!.pid!;
      setConfirmAnswer(false);
      await interact(() => run(view, "Web", "Delete Tunnel")());
      expect(await isWorkerAlive(pid, "t-web")).toBe(true);
      expect((await loadTunnels(env)).tunnels).toHaveLength(1);

      setConfirmAnswer(true);
      await interact(() => run(view, "Web", "Delete Tunnel")());
      expect(recorded.alerts.map((a) => a.title)).toEqual(['Delete "Web"?', 'Delete "Web"?']);
      expect(recorded.toasts.at(-1)).toMatchObject({ style: "success", title: "Tunnel deleted", message: "Web" });
      expect(await isWorkerAlive(pid, "t-web")).toBe(false); // gone (a zombie, if any, is not a worker)
      // The worker stopped on request (it wrote its own `stopped`) while the tunnel was still saved.
      expect(readFileSync(logPath(env, "t-web"), "utf8")).toContain("fake worker t-web stopping; still saved: true");
      expect(readState(env, "t-web")?.status).toBe("stopped");
      await expectPortFree(port);
      expect((await loadTunnels(env)).tunnels).toEqual([]);
      await waitFor(() => findAll(view.root, "List.EmptyView").length === 1, "the empty list");
    });

    it("editing a running tunnel says a restart applies the change, and Save and Restart does it", async () => {
      const view = await renderList();
      await interact(() => run(view, "Web", "Connect Tunnel")());
      await waitFor(() => actionsOf(view, "Web")[0] === "Stop Tunnel", "connected");
      const newPort = await freePort();
      const form = await push(find(itemOf(view, "Web"), "Action.Push", (p) => p.title === "Edit Tunnel"));
      expect(find(form.root, "Form.Description", (p) => p.title === "Running").props.text).toMatch(/restarts/);
      const submit = findAll(form.root, "Action.SubmitForm").map((a) => a.props.title);
      expect(submit).toEqual(["Save and Restart Tunnel", "Save Tunnel"]);
      await interact(() =>
        (find(form.root, "Form.TextField", (p) => p.id === "localPort").props.onChange as (v: string) => void)(
          String(newPort),
        ),
      );
      await submitForm(form.root, "Save and Restart Tunnel");
      await waitFor(
        () => recorded.toasts.some((t) => t.title === "Connected Web" && t.message === `127.0.0.1:${newPort}`),
        "the restart",
        10_000,
      );
      expect(recorded.toasts.map((t) => t.title)).toEqual(
        expect.arrayContaining(["Tunnel updated", "Stopped Web", "Connected Web"]),
      );
    });
  });
});
