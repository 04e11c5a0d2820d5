import { renameSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import type { ReactTestInstance } from "react-test-renderer";
import { recorded, resetRaycast } from "../raycast/api";
import { find, findAll, formValues, interact, render, submitForm, unmount, waitFor } from "../raycast/render";
import { TunnelForm } from "../../src/commands/tunnels/TunnelForm";
import { MANUAL_TARGET } from "../../src/commands/tunnels/form-values";
import { suggestLocalPort } from "../../src/commands/tunnels/port-suggestion";
import { loadTunnels, saveTunnel } from "../../src/lib/tunnels/store";
import type { TunnelDefinition } from "../../src/lib/tunnels/definition";
import { emulatedHome, type EmulatedHome } from "./emulated";
import { fakeLoginWorker } from "./fake-login";
import { SSO_CONFIG, makeHome, type TestHome } from "./fixtures";
import { freePort } from "../tunnels/helpers";
import { EU_WEST_INSTANCE } from "../emulator/directory";

const CONFIG = `${SSO_CONFIG}
[profile chained]
source_profile = dev
role_arn = arn:aws:iam::444455556666:role/Deploy
`;

let home: TestHome;
beforeEach(() => {
  resetRaycast();
  home = makeHome(CONFIG);
});
afterEach(() => home.cleanup());

async function renderForm(props: Partial<Parameters<typeof TunnelForm>[0]> = {}, env = home.env) {
  const view = await render(<TunnelForm env={env} {...props} />);
  await waitFor(() => find(view.root, "Form").props.isLoading === false, "the form to load");
  return view;
}

const field = (root: ReactTestInstance, id: string) =>
  find(root, "Form.TextField", (p) => p.id === id) as ReactTestInstance;
const dropdown = (root: ReactTestInstance, id: string) => find(root, "Form.Dropdown", (p) => p.id === id);
async function type(root: ReactTestInstance, id: string, value: string) {
  await interact(() => (field(root, id).props.onChange as (v: string) => void)(value));
}
async function blur(root: ReactTestInstance, id: string) {
  await interact(() =>
    (field(root, id).props.onBlur as (e: unknown) => void)({ target: { id, value: field(root, id).props.value } }),
  );
}

describe("Create / Edit form", () => {
  it("offers profiles that can open tunnels first (role chains included), and the others with the reason", async () => {
    const view = await renderForm();
    const profile = dropdown(view.root, "profile");
    const [usable, unusable] = findAll(profile, "Form.Dropdown.Section");
    expect(findAll(usable, "Form.Dropdown.Item").map((i) => i.props.title)).toEqual([
      "dev (111122223333 · Developer)",
      "chained (444455556666 · Deploy via dev)",
    ]);
    expect(findAll(unusable, "Form.Dropdown.Item").map((i) => i.props.title)).toEqual([
      "static (uses static access keys (aws_access_key_id), not SSO)",
    ]);
    expect(profile.props.value).toBe("dev");
    await interact(() => (profile.props.onChange as (v: string) => void)("static"));
    await submitForm(view.root);
    expect(dropdown(view.root, "profile").props.error).toMatch(/^static cannot open tunnels: /);
  });

  it("the region defaults to the profile's", async () => {
    const view = await renderForm();
    expect(field(view.root, "region").props.value).toBe("");
    expect(field(view.root, "region").props.placeholder).toBe("eu-west-1");
    await type(view.root, "region", "mars-1");
    await blur(view.root, "region");
    expect(field(view.root, "region").props.error).toBe('"mars-1" is not an AWS region (e.g. eu-west-1)');
  });

  it("without a sign-in the picker says so and the id can be typed; the tunnel is saved", async () => {
    const view = await renderForm();
    await waitFor(() => findAll(view.root, "Form.Description").some((d) => d.props.title === "Instances"), "the note");
    expect(find(view.root, "Form.Description", (p) => p.title === "Instances").props.text).toMatch(
      /^Sign in to dev to list its instances/,
    );
    expect(findAll(view.root, "Action").map((a) => a.props.title)).toContain("Sign in to List Instances");
    expect(dropdown(view.root, "target").props.value).toBe(MANUAL_TARGET);
    await type(view.root, "name", "Orders DB");
    await type(view.root, "instanceId", "i-0123456789abcdef0");
    await type(view.root, "remoteHost", "orders.internal");
    await type(view.root, "remotePort", "5432");
    // A free local port is suggested from the remote one.
    await waitFor(() => field(view.root, "localPort").props.value !== "", "a suggested local port");
    const suggested = Number(field(view.root, "localPort").props.value);
    expect(suggested).toBeGreaterThan(1024);
    await submitForm(view.root);
    expect(recorded.toasts.map((t) => [t.style, t.title])).toEqual([["success", "Tunnel saved"]]);
    expect(recorded.pops).toBe(1);
    expect((await loadTunnels(home.env)).tunnels).toEqual([
      expect.objectContaining({
        name: "Orders DB",
        profile: "dev",
        target: "i-0123456789abcdef0",
        remoteHost: "orders.internal",
        remotePort: 5432,
        localPort: suggested,
        bindAddress: "127.0.0.1",
        autoReconnect: true,
      }),
    ]);
  });

  it("validates as the user types and saves nothing while a field is wrong", async () => {
    await saveTunnel(home.env, {
      name: "Taken",
      profile: "dev",
      target: "i-0123abcd",
      remotePort: 22,
      localPort: 2222,
    });
    const view = await renderForm();
    await type(view.root, "name", "taken");
    await blur(view.root, "name");
    expect(field(view.root, "name").props.error).toBe('A tunnel named "taken" already exists');
    // Once shown, an error follows the typing.
    await type(view.root, "name", "fresh");
    expect(field(view.root, "name").props.error).toBeUndefined();
    await type(view.root, "instanceId", "i-nope");
    await type(view.root, "remotePort", "70000");
    await type(view.root, "bindAddress", "localhost");
    await submitForm(view.root);
    expect(field(view.root, "instanceId").props.error).toMatch(/i- or mi- followed by 8 or 17 hex digits/);
    expect(field(view.root, "remotePort").props.error).toBe("Remote port must be a whole number from 1 to 65535");
    expect(field(view.root, "bindAddress").props.error).toMatch(/must be an IP address/);
    expect(recorded.pops).toBe(0);
    expect((await loadTunnels(home.env)).tunnels).toHaveLength(1);
  });

  it("says which process holds a local port that is in use, as the user types", async () => {
    const port = await freePort();
    const blocker: Server = createServer().listen(port, "127.0.0.1");
    await new Promise((r) => blocker.once("listening", r));
    try {
      const view = await renderForm();
      await type(view.root, "localPort", String(port));
      await waitFor(() => !!field(view.root, "localPort").props.error, "the live port check");
      expect(field(view.root, "localPort").props.error).toMatch(
        new RegExp(`^Local port 127\\.0\\.0\\.1:${port} is already in use by .*\\(pid ${process.pid}\\)$`),
      );
    } finally {
      blocker.close();
    }
  });

  it("suggests the remote port shifted into the user range, skipping taken and busy ports", async () => {
    const busy = new Set([15432]);
    const probe = async (_b: string, p: number) => ({ free: !busy.has(p) });
    expect(await suggestLocalPort(5432, "127.0.0.1", new Set(), async () => ({ free: true }))).toBe(15432);
    expect(await suggestLocalPort(5432, "127.0.0.1", new Set(), probe)).toBe(25432);
    expect(await suggestLocalPort(5432, "127.0.0.1", new Set([25432]), probe)).toBe(5432);
    expect(await suggestLocalPort(22, "127.0.0.1", new Set([10022]), async () => ({ free: true }))).toBe(20022);
  });

  it("edits a tunnel in place, keeping its id and region", async () => {
    const saved = await saveTunnel(home.env, {
      name: "Web",
      profile: "dev",
      region: "us-west-2",
      target: "i-0123abcd",
      remotePort: 80,
      localPort: 8080,
    });
    const view = await renderForm({ tunnel: saved });
    expect(field(view.root, "region").props.value).toBe("us-west-2");
    expect(field(view.root, "instanceId").props.value).toBe("i-0123abcd");
    await type(view.root, "localPort", "9090");
    await submitForm(view.root);
    expect((await loadTunnels(home.env)).tunnels).toEqual([{ ...saved, localPort: 9090 }]);
    expect(recorded.toasts[0].title).toBe("Tunnel updated");
  });

  it("duplicates a tunnel under a new name with a new local port", async () => {
    const saved = await saveTunnel(home.env, {
      name: "Web",
      profile: "dev",
      target: "i-0123abcd",
      remotePort: 80,
      localPort: 8080,
    });
    const view = await renderForm({ template: saved });
    expect(find(view.root, "Form").props.navigationTitle).toBe("Duplicate Web");
    expect(field(view.root, "name").props.value).toBe("Web copy");
    await waitFor(() => field(view.root, "localPort").props.value !== "", "a suggested port");
    expect(field(view.root, "localPort").props.value).not.toBe("8080");
    await submitForm(view.root);
    const { tunnels } = await loadTunnels(home.env);
    expect(tunnels.map((t: TunnelDefinition) => t.name)).toEqual(["Web", "Web copy"]);
    expect(new Set(tunnels.map((t: TunnelDefinition) => t.id)).size).toBe(2);
  });
});

describe("Target picker against the emulator", () => {
  let emulated: EmulatedHome;
  beforeEach(async () => {
    emulated = await emulatedHome({
      directory: {
        instances: [
          {
            instanceId: "i-0123456789abcdef0",
            name: "bastion",
            state: "running",
            privateIp: "10.0.1.10",
            online: true,
          },
          {
            instanceId: "i-0fedcba9876543210",
            name: "app-server",
            state: "running",
            privateIp: "10.0.1.20",
            online: true,
          },
          // Managed, but stopped: Systems Manager reports its agent as ConnectionLost.
          {
            instanceId: "i-0aaaabbbbccccdddd",
            name: "old-batch",
            state: "stopped",
            privateIp: "10.0.2.30",
            online: false,
            managed: true,
          },
          // No agent at all.
          {
            instanceId: "i-0eeeeffff00001111",
            name: "legacy-web",
            state: "running",
            privateIp: "10.0.3.40",
            online: false,
            managed: false,
          },
        ],
      },
    });
  });
  afterEach(() => emulated.close());

  it("lists the account's instances with their Session Manager status, searchable, first online one chosen", async () => {
    await emulated.seedToken();
    const view = await renderForm({}, emulated.env);
    await waitFor(
      () => !dropdown(view.root, "target").props.isLoading && findAll(view.root, "Form.Dropdown.Section").length > 2,
      "the instances",
    );
    const picker = dropdown(view.root, "target");
    expect(picker.props.filtering).toBe(true);
    const bySection = findAll(picker, "Form.Dropdown.Section").map((s) => [
      s.props.title,
      findAll(s, "Form.Dropdown.Item").map((i) => i.props.title),
    ]);
    expect(bySection).toEqual([
      [
        "Agent Online",
        [
          "app-server · i-0fedcba9876543210 · 10.0.1.20 · Linux/UNIX",
          "bastion · i-0123456789abcdef0 · 10.0.1.10 · Linux/UNIX",
        ],
      ],
      ["Agent Connection Lost", ["old-batch · i-0aaaabbbbccccdddd · 10.0.2.30 · stopped · Linux/UNIX"]],
      ["Not Managed by Systems Manager", ["legacy-web · i-0eeeeffff00001111 · 10.0.3.40 · Linux/UNIX"]],
      ["Other", ["Enter an Instance ID…"]],
    ]);
    await waitFor(() => dropdown(view.root, "target").props.value === "i-0fedcba9876543210", "the first online one");
    expect(findAll(view.root, "Form.TextField").map((f) => f.props.id)).not.toContain("instanceId");
    expect(emulated.emu.log.filter((e) => e.operation === "DescribeInstances")).toHaveLength(1);
    expect(emulated.emu.log.filter((e) => e.operation === "DescribeInstanceInformation")).toHaveLength(1);
    expect(formValues(view.root).target).toBe("i-0fedcba9876543210");
  });

  it("caches the list per profile and region: a reopened form shows it at once, another region makes its own call", async () => {
    await emulated.seedToken();
    emulated.emu.directory.instances.push({ ...EU_WEST_INSTANCE });
    const describeCalls = () => emulated.emu.log.filter((e) => e.operation === "DescribeInstances").length;
    const listed = (root: ReactTestInstance) =>
      findAll(dropdown(root, "target"), "Form.Dropdown.Item").map((i) => String(i.props.title).split(" · ")[0]);
    const first = await renderForm({}, emulated.env);
    await waitFor(() => dropdown(first.root, "target").props.value === "i-0fedcba9876543210", "the instances");
    expect(listed(first.root)).not.toContain("eu-api");
    expect(describeCalls()).toBe(1);
    await unmount(first);

    // Reopened: the cached list shows while its refresh is still on the wire.
    let release: () => void = () => undefined;
    let refreshing = false;
    emulated.emu.addFault({
      service: "ec2",
      operation: "DescribeInstances",
      times: 1,
      hold: () => {
        refreshing = true;
        return new Promise<void>((r) => (release = r));
      },
    });
    const again = await renderForm({}, emulated.env);
    await waitFor(() => refreshing, "the refresh to be sent");
    expect(listed(again.root)).toEqual(
      expect.arrayContaining(["app-server", "bastion", "old-batch", "legacy-web", "Enter an Instance ID…"]),
    );
    expect(dropdown(again.root, "target").props.isLoading).toBe(true);
    release();
    await waitFor(() => !dropdown(again.root, "target").props.isLoading, "the refresh");
    expect(describeCalls()).toBe(2);

    // Another region is another list: not the cached one, and a call of its own.
    await type(again.root, "region", "eu-west-1");
    await waitFor(() => listed(again.root).includes("eu-api"), "the eu-west-1 instances");
    expect(describeCalls()).toBe(3);
  });

  it("signs in on demand, then lists", async () => {
    const pending = join(emulated.root, "token-from-login.json");
    const real = await emulated.tokenFile();
    await emulated.seedToken();
    renameSync(real, pending); // what the login will write
    await fakeLoginWorker(emulated, [{ status: "succeeded" }], { token: { from: pending, to: real } });
    const view = await renderForm({}, emulated.env);
    await waitFor(
      () => findAll(view.root, "Action").some((a) => a.props.title === "Sign in to List Instances"),
      "the sign-in offer",
    );
    await interact(() =>
      (
        find(view.root, "Action", (p) => p.title === "Sign in to List Instances").props.onAction as () => Promise<void>
      )(),
    );
    await waitFor(
      () => dropdown(view.root, "target").props.value === "i-0fedcba9876543210",
      "the instances after sign-in",
    );
    expect(recorded.toasts[0].transitions).toEqual(["animated", "success"]);
  });
});
