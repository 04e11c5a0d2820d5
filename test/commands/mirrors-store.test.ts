// The LocalStorage-backed KeyValueStore hands the lib strings only, whatever else shares the extension's storage.
import { LocalStorage, resetRaycast } from "../raycast/api";
import { RaycastKeyValueStore } from "../../src/commands/mirrors/raycast-store";

beforeEach(() => resetRaycast());

it("reads, writes and removes strings through LocalStorage", async () => {
  const store = new RaycastKeyValueStore();
  await store.setItem("sso.sync.v1.corp", '{"v":1}');
  expect(await LocalStorage.getItem("sso.sync.v1.corp")).toBe('{"v":1}');
  expect(await store.getItem("sso.sync.v1.corp")).toBe('{"v":1}');
  await store.removeItem("sso.sync.v1.corp");
  expect(await store.getItem("sso.sync.v1.corp")).toBeUndefined();
  expect(await store.getItem("never-set")).toBeUndefined();
});

it("turns numbers and booleans another writer left into strings", async () => {
  await LocalStorage.setItem("sso.keychain.v1.cleared", 1);
  await LocalStorage.setItem("flag", true);
  await LocalStorage.setItem("tunnels.v1", "[]");
  const store = new RaycastKeyValueStore();
  expect(await store.getItem("sso.keychain.v1.cleared")).toBe("1");
  expect(await store.allItems()).toEqual({ "sso.keychain.v1.cleared": "1", flag: "true", "tunnels.v1": "[]" });
});
