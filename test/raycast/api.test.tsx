import {
  Cache,
  Icon,
  LaunchType,
  LocalStorage,
  environment,
  getPreferenceValues,
  launchCommand,
  showHUD,
  showToast,
  Toast,
} from "@raycast/api";
import { readFileSync } from "node:fs";
import type { List as RaycastList } from "@raycast/api";
import * as standIn from "./api";
import { Action, ActionPanel, Keyboard, List } from "./api";
import { PROPS_FILE, propsFromTypes } from "./props-from-types";
import { shortcutKeys } from "./shortcuts";
import { find, render } from "./render";
import { recorded, resetRaycast, setPreferences } from "./api";

beforeEach(() => resetRaycast());

describe("@raycast/api stand-in", () => {
  it("is what @raycast/api resolves to under Jest", () => {
    expect(showToast).toBe(standIn.showToast);
    expect(LocalStorage).toBe(standIn.LocalStorage);
  });

  it("returns the manifest's preference defaults, overridable per test", () => {
    expect(getPreferenceValues()).toEqual({
      autoRefresh: true,
      refreshThresholdMinutes: "5",
      refreshCheckIntervalSeconds: "60",
      loginMethod: "pkce",
      mirrorToKeychain: true,
      awsConfigFile: "",
    });
    setPreferences({ loginMethod: "device-code" });
    expect(getPreferenceValues<{ loginMethod: string }>().loginMethod).toBe("device-code");
    resetRaycast();
    expect(getPreferenceValues<{ loginMethod: string }>().loginMethod).toBe("pkce");
  });

  it("keeps LocalStorage and Cache in memory until reset", async () => {
    await LocalStorage.setItem("tokens.v1", "{}");
    const cache = new Cache({ namespace: "menu" });
    const seen: (string | undefined)[] = [];
    cache.subscribe((_key, data) => seen.push(data));
    cache.set("state", "x");
    expect(await LocalStorage.allItems()).toEqual({ "tokens.v1": "{}" });
    expect(new Cache({ namespace: "menu" }).get("state")).toBe("x");
    expect(new Cache().get("state")).toBeUndefined();
    expect(seen).toEqual(["x"]);
    resetRaycast();
    expect(await LocalStorage.getItem("tokens.v1")).toBeUndefined();
    expect(new Cache({ namespace: "menu" }).isEmpty).toBe(true);
  });

  it("records toasts, HUDs and launches; environment and icons are plain values", async () => {
    const toast = (await showToast({ style: Toast.Style.Animated, title: "Connecting…" })) as unknown as standIn.Toast;
    toast.style = Toast.Style.Success;
    await showToast(Toast.Style.Failure, "Oops", "details");
    await showHUD("Stopped");
    await launchCommand({ name: "tunnel-status", type: LaunchType.Background });
    expect(recorded.toasts.map((t) => [t.style, t.title, t.message])).toEqual([
      ["success", "Connecting…", undefined],
      ["failure", "Oops", "details"],
    ]);
    expect(toast.transitions).toEqual(["animated", "success"]);
    expect(recorded.huds).toEqual(["Stopped"]);
    expect(recorded.launches).toEqual([{ name: "tunnel-status", type: "background" }]);
    expect(environment.launchType).toBe(LaunchType.UserInitiated);
    expect(Icon.Plug).toBe("Plug");
  });

  it("records every state a toast shows, in order", async () => {
    const toast = (await showToast({ style: Toast.Style.Animated, title: "Signing in…" })) as unknown as standIn.Toast;
    toast.message = "Finish signing in in your browser";
    toast.message = "Finish signing in in your browser"; // no change, no step
    toast.style = Toast.Style.Success;
    toast.title = "Signed in";
    expect(toast.history).toEqual([
      { style: "animated", title: "Signing in…" },
      { style: "animated", title: "Signing in…", message: "Finish signing in in your browser" },
      { style: "success", title: "Signing in…", message: "Finish signing in in your browser" },
      { style: "success", title: "Signed in", message: "Finish signing in in your browser" },
    ]);
    expect(toast.transitions).toEqual(["animated", "success"]);
    expect(() => {
      (toast as { style: string }).style = "done";
    }).toThrow('Toast.Style has no "done"');
  });

  it("launchCommand fails, as Raycast does, for a command the manifest does not declare", async () => {
    await expect(launchCommand({ name: "tunnel-menu", type: LaunchType.Background })).rejects.toThrow(
      'No command named "tunnel-menu"',
    );
    await expect(launchCommand({ name: "tunnel-status", type: "later" as LaunchType })).rejects.toThrow(/LaunchType/);
    await launchCommand({
      name: "search",
      type: LaunchType.UserInitiated,
      extensionName: "other",
      ownerOrAuthorName: "x",
    });
  });

  it("components reject props the real @raycast/api does not declare", async () => {
    const ok = await render(<List.Item title="db" subtitle="i-0123 → db:5432" accessories={[{ text: "x" }]} />);
    expect(find(ok.root, "List.Item").props.title).toBe("db");
    const bogus = { title: "db", tooltip: "no such prop on List.Item" } as unknown as RaycastList.Item.Props;
    await expect(render(<List.Item {...bogus} />)).rejects.toThrow('<List.Item> has no prop "tooltip" in @raycast/api');
    expect(() => Keyboard.Shortcut.Common.Edit).not.toThrow();
    expect(() => (Keyboard.Shortcut.Common as Record<string, unknown>).Stop).toThrow(/has no Stop/);
  });

  it("resolves Keyboard.Shortcut.Common to the keys Raycast binds on macOS", () => {
    const keys = (name: string) => shortcutKeys((Keyboard.Shortcut.Common as Record<string, unknown>)[name]);
    expect(keys("Remove")).toBe("ctrl+d");
    expect(keys("RemoveAll")).toBe("ctrl+shift+d");
    expect(keys("Edit")).toBe("cmd+e");
    expect(keys("New")).toBe("cmd+n");
    expect(keys("Refresh")).toBe("cmd+r");
    expect(keys("Copy")).toBe("cmd+shift+c");
    expect(keys("Duplicate")).toBe("cmd+shift+s");
    expect(shortcutKeys({ modifiers: ["shift", "cmd"], key: "u" })).toBe("cmd+shift+u");
    expect(shortcutKeys({ macOS: { modifiers: ["ctrl"], key: "x" }, Windows: { modifiers: ["alt"], key: "x" } })).toBe(
      "ctrl+x",
    );
  });

  it("fails a render where two actions of one ActionPanel share a shortcut, Common ones resolved", async () => {
    const panel = (second: Record<string, unknown>) => (
      <List>
        <List.Item
          title="db"
          actions={
            <ActionPanel>
              <Action title="Delete Tunnel" shortcut={Keyboard.Shortcut.Common.Remove} onAction={() => undefined} />
              <ActionPanel.Section>
                <Action title="Other" onAction={() => undefined} {...second} />
              </ActionPanel.Section>
            </ActionPanel>
          }
        />
        <List.Item
          title="web"
          actions={
            <ActionPanel>
              {/* eslint-disable-next-line @raycast/prefer-common-shortcut -- written out: the keys of Common.Remove */}
              <Action title="Disconnect" shortcut={{ modifiers: ["ctrl"], key: "d" }} onAction={() => undefined} />
            </ActionPanel>
          }
        />
      </List>
    );
    // The same key in two panels (two items) is fine; so is another key in one panel.
    await render(panel({ shortcut: { modifiers: ["ctrl", "shift"], key: "d" } }));
    await expect(render(panel({ shortcut: { modifiers: ["ctrl"], key: "d" } }))).rejects.toThrow(
      '"Delete Tunnel" and "Other" both use the shortcut ctrl+d in one ActionPanel',
    );
  });

  it("its prop lists are the ones the installed @raycast/api types declare", () => {
    const current = JSON.parse(readFileSync(PROPS_FILE, "utf8"));
    // On failure after an @raycast/api upgrade: npx tsx test/raycast/props-from-types.ts --write
    expect(propsFromTypes()).toEqual(current);
  });
});
