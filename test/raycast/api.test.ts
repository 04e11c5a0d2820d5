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
import * as standIn from "./api";
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
    const toast = await showToast({ style: Toast.Style.Animated, title: "Connecting…" });
    toast.style = Toast.Style.Success;
    await showToast(Toast.Style.Failure, "Oops", "details");
    await showHUD("Stopped");
    await launchCommand({ name: "tunnel-status", type: LaunchType.Background });
    expect(recorded.toasts.map((t) => [t.style, t.title, t.message])).toEqual([
      ["success", "Connecting…", undefined],
      ["failure", "Oops", "details"],
    ]);
    expect(recorded.huds).toEqual(["Stopped"]);
    expect(recorded.launches).toEqual([{ name: "tunnel-status", type: "background" }]);
    expect(environment.launchType).toBe(LaunchType.UserInitiated);
    expect(Icon.Plug).toBe("Plug");
  });
});
