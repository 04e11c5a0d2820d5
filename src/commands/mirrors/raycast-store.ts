// The lib's KeyValueStore over Raycast LocalStorage (raycast.md §4.1): shared by every command of the extension.
import { LocalStorage } from "@raycast/api";
import type { KeyValueStore } from "../../lib/sso/mirrors/key-value-store";

/** LocalStorage keeps strings, numbers and booleans; the lib speaks strings and parses what it reads defensively. */
function asString(value: LocalStorage.Value | undefined): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === "string" ? value : String(value);
}

export class RaycastKeyValueStore implements KeyValueStore {
  async getItem(key: string): Promise<string | undefined> {
    return asString(await LocalStorage.getItem<LocalStorage.Value>(key));
  }

  setItem(key: string, value: string): Promise<void> {
    return LocalStorage.setItem(key, value);
  }

  removeItem(key: string): Promise<void> {
    return LocalStorage.removeItem(key);
  }

  async allItems(): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(await LocalStorage.allItems<LocalStorage.Values>())) {
      const s = asString(value as LocalStorage.Value | undefined);
      if (s !== undefined) out[key] = s;
    }
    return out;
  }
}
