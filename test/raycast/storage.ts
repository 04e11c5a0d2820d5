// LocalStorage and Cache, in memory; resetRaycast empties them between tests.

const localStore = new Map<string, string | number | boolean>();

export const LocalStorage = {
  async getItem<T extends string | number | boolean>(key: string): Promise<T | undefined> {
    return localStore.get(key) as T | undefined;
  },
  async setItem(key: string, value: string | number | boolean): Promise<void> {
    localStore.set(key, value);
  },
  async removeItem(key: string): Promise<void> {
    localStore.delete(key);
  },
  async allItems(): Promise<Record<string, string | number | boolean>> {
    return Object.fromEntries(localStore);
  },
  async clear(): Promise<void> {
    localStore.clear();
  },
};

const cacheStores = new Map<string, Map<string, string>>();

export class Cache {
  private readonly store: Map<string, string>;
  private readonly subscribers = new Set<(key: string | undefined, data: string | undefined) => void>();
  readonly storageDirectory = "/dev/null";
  constructor(options: { namespace?: string; capacity?: number } = {}) {
    const ns = options.namespace ?? "";
    if (!cacheStores.has(ns)) cacheStores.set(ns, new Map());
    this.store = cacheStores.get(ns)!;
    // Raycast's methods work detached (@raycast/utils passes `cache.subscribe` to useSyncExternalStore).
    for (const m of ["get", "has", "set", "remove", "clear", "subscribe"] as const)
      this[m] = this[m].bind(this) as never;
  }
  get(key: string): string | undefined {
    return this.store.get(key);
  }
  has(key: string): boolean {
    return this.store.has(key);
  }
  set(key: string, data: string): void {
    this.store.set(key, data);
    this.subscribers.forEach((fn) => fn(key, data));
  }
  remove(key: string): boolean {
    const had = this.store.delete(key);
    this.subscribers.forEach((fn) => fn(key, undefined));
    return had;
  }
  clear(): void {
    this.store.clear();
    this.subscribers.forEach((fn) => fn(undefined, undefined));
  }
  get isEmpty(): boolean {
    return this.store.size === 0;
  }
  subscribe(fn: (key: string | undefined, data: string | undefined) => void): () => void {
    this.subscribers.add(fn);
    return () => this.subscribers.delete(fn);
  }
}

/** Empties every store in place: @raycast/utils keeps its Cache instances between renders (and so between tests). */
export function clearStorage(): void {
  localStore.clear();
  for (const store of cacheStores.values()) store.clear();
}
