// The Raycast LocalStorage seam: lib defines it, the command side wraps LocalStorage, tests use the in-memory one.

/** String values only (LocalStorage keeps scalars; records are JSON-encoded by the caller). */
export interface KeyValueStore {
  getItem(key: string): Promise<string | undefined>;
  setItem(key: string, value: string): Promise<void>;
  removeItem(key: string): Promise<void>;
  allItems(): Promise<Record<string, string>>;
}

export class MemoryKeyValueStore implements KeyValueStore {
  readonly items = new Map<string, string>();

  async getItem(key: string): Promise<string | undefined> {
    return this.items.get(key);
  }
  async setItem(key: string, value: string): Promise<void> {
    this.items.set(key, value);
  }
  async removeItem(key: string): Promise<void> {
    this.items.delete(key);
  }
  async allItems(): Promise<Record<string, string>> {
    return Object.fromEntries(this.items);
  }
}
