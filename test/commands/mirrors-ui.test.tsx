// The Tunnel Status menu and Authenticate Profile keep the token mirrors current too, and a paused Keychain copy is
// a quiet note there, never an error.
import { existsSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { recorded, resetRaycast } from "../raycast/api";
import { find, findAll, interact, renderNow, waitFor } from "../raycast/render";
import { ProfileList } from "../../src/commands/auth/ProfileList";
import { TunnelStatusMenu } from "../../src/commands/menu/TunnelStatusMenu";
import { loadAwsConfig } from "../../src/lib/aws";
import { loginProgressFile } from "../../src/lib/sso/login/state";
import { makeHome, type TestHome } from "./fixtures";
import { cliLogin, corpCacheFile, fakeKeychain, localAccessToken } from "./mirror-helpers";

let home: TestHome;
let cacheFile: string;
let keychain: ReturnType<typeof fakeKeychain>;

beforeEach(async () => {
  resetRaycast();
  home = makeHome();
  cacheFile = await corpCacheFile(home);
  keychain = fakeKeychain(home);
});
afterEach(() => home.cleanup());

async function renderMenu() {
  const view = renderNow(<TunnelStatusMenu env={home.env} />);
  await waitFor(() => find(view.root, "MenuBarExtra").props.isLoading === false, "the menu to load");
  return view;
}
const menuTitles = (view: Awaited<ReturnType<typeof renderMenu>>) =>
  findAll(view.root, "MenuBarExtra.Item").map((i) => i.props.title);

describe("Tunnel Status menu → token mirrors", () => {
  it("mirrors on load, and a later logout clears the mirrors without bringing the file back", async () => {
    const token = cliLogin(cacheFile);
    const view = await renderMenu();
    expect(await localAccessToken()).toBe(token.accessToken);
    expect(Object.keys(keychain.items())).toEqual(["dev"]);
    expect(menuTitles(view)).not.toContain("Keychain copy paused");

    unlinkSync(cacheFile);
    await renderMenu();
    expect(await localAccessToken()).toBeUndefined();
    expect(keychain.items()).toEqual({});
    expect(existsSync(cacheFile)).toBe(false);
  });

  it("a locked keychain is one quiet row (reason in the tooltip, opens preferences), not an error", async () => {
    cliLogin(cacheFile);
    keychain.lock();
    const view = await renderMenu();
    const note = find(view.root, "MenuBarExtra.Item", (p) => p.title === "Keychain copy paused");
    expect(note.props.tooltip).toMatch(/Keychain is locked/);
    expect(menuTitles(view).some((t) => String(t).startsWith("Error"))).toBe(false);
    expect(find(view.root, "MenuBarExtra").props.icon).toBe("Bolt"); // no badge for a paused copy
    await interact(() => (note.props.onAction as () => Promise<void>)());
    expect(recorded.preferencesOpened).toEqual(["extension"]);
    expect(recorded.toasts).toEqual([]);
  });
});

/** Stands in for `stormtunnel login`: writes the token file as a login does, then reports success. */
async function fakeLogin() {
  const config = await loadAwsConfig({ env: home.env });
  const progressFile = loginProgressFile(home.env, config.groups[0]);
  const token = cliLogin(join(home.root, "pending-token.json"));
  const script = join(home.root, "fake-login.js");
  writeFileSync(
    script,
    `const fs = require("fs"), path = require("path");
fs.mkdirSync(path.dirname(${JSON.stringify(cacheFile)}), { recursive: true });
fs.copyFileSync(${JSON.stringify(join(home.root, "pending-token.json"))}, ${JSON.stringify(cacheFile)});
fs.mkdirSync(path.dirname(${JSON.stringify(progressFile)}), { recursive: true });
const now = new Date().toISOString();
fs.writeFileSync(${JSON.stringify(progressFile)}, JSON.stringify({ pid: process.pid, sessionKey: "corp", method: "pkce",
  startedAt: now, updatedAt: now, status: "succeeded" }));
`,
  );
  home.env.STORMTUNNEL_WORKER_COMMAND = JSON.stringify([process.execPath, script]);
  return token;
}

async function signIn() {
  const view = renderNow(<ProfileList env={home.env} />);
  await waitFor(() => find(view.root, "List").props.isLoading === false, "profiles to load");
  const item = find(view.root, "List.Item", (p) => p.title === "dev");
  await interact(() => (find(item, "Action", (p) => p.title === "Sign in").props.onAction as () => Promise<void>)());
  await waitFor(() => recorded.toasts[0]?.style !== "animated", "the sign-in to finish");
  return recorded.toasts[0];
}

describe("Authenticate Profile → token mirrors", () => {
  it("a completed sign-in is mirrored at once", async () => {
    const token = await fakeLogin();
    const toast = await signIn();
    expect([toast.style, toast.title, toast.message]).toEqual([
      "success",
      "Signed in to corp",
      "Tunnels using it reconnect by themselves",
    ]);
    expect(toast.transitions).toEqual(["animated", "success"]);
    expect(await localAccessToken()).toBe(token.accessToken);
    expect(JSON.parse(keychain.items().dev).accessToken).toBe(token.accessToken);
  });

  it("with the keychain locked the sign-in still succeeds, with a note", async () => {
    const token = await fakeLogin();
    keychain.lock();
    const toast = await signIn();
    expect([toast.style, toast.title, toast.message]).toEqual(["success", "Signed in to corp", "Keychain copy paused"]);
    expect(await localAccessToken()).toBe(token.accessToken);
  });
});
