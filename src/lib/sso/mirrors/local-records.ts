// What StormTunnel keeps in Raycast LocalStorage per SSO session (key = token cache key: sso-session name or the
// legacy start URL):
//   sso.token.v1.<sessionKey>  the whole cache-file token (LocalStorage is Raycast's encrypted per-extension store)
//   sso.sync.v1.<sessionKey>   what we last mirrored: {expiresAt, hash, at, keychainProfiles}. Its presence means
//                              "we have seen this session's cache file", so a file that later disappears was a logout.
import type { CachedToken } from "../token-cache";
import type { KeyValueStore } from "./key-value-store";

export const TOKEN_KEY_PREFIX = "sso.token.v1.";
export const SYNC_KEY_PREFIX = "sso.sync.v1.";
/** Set once every Keychain item was removed after the user turned the Keychain mirror off. */
export const KEYCHAIN_CLEARED_KEY = "sso.keychain.v1.cleared";
/** When the Keychain was last asked for a session that had no other copy (epoch ms). */
export const KEYCHAIN_PROBE_PREFIX = "sso.keychain.v1.probed.";

export interface LocalTokenRecord {
  v: 1;
  sessionKey: string;
  token: CachedToken;
}

export interface SyncRecord {
  v: 1;
  /** expiresAt of the token last mirrored (as in the file). */
  expiresAt: string;
  /** Fingerprint (short hash) of that token; never the token. */
  hash: string;
  at: number;
  /** Profiles whose Keychain item holds that token. */
  keychainProfiles: string[];
  /** The cache file disappeared (logout) but some mirror could not be cleared yet. */
  loggedOut?: boolean;
}

export class LocalRecords {
  constructor(readonly store: KeyValueStore) {}

  getToken(sessionKey: string): Promise<LocalTokenRecord | undefined> {
    return this.read<LocalTokenRecord>(TOKEN_KEY_PREFIX + sessionKey, (r) => typeof r.token?.accessToken === "string");
  }
  setToken(sessionKey: string, token: CachedToken): Promise<void> {
    const record: LocalTokenRecord = { v: 1, sessionKey, token };
    return this.store.setItem(TOKEN_KEY_PREFIX + sessionKey, JSON.stringify(record));
  }
  removeToken(sessionKey: string): Promise<void> {
    return this.store.removeItem(TOKEN_KEY_PREFIX + sessionKey);
  }

  async getKeychainProbe(sessionKey: string): Promise<number | undefined> {
    const at = Number(await this.store.getItem(KEYCHAIN_PROBE_PREFIX + sessionKey));
    return Number.isFinite(at) && at > 0 ? at : undefined;
  }
  setKeychainProbe(sessionKey: string, at: number): Promise<void> {
    return this.store.setItem(KEYCHAIN_PROBE_PREFIX + sessionKey, String(at));
  }

  getSync(sessionKey: string): Promise<SyncRecord | undefined> {
    return this.read<SyncRecord>(SYNC_KEY_PREFIX + sessionKey, (r) => typeof r.hash === "string");
  }
  setSync(sessionKey: string, record: SyncRecord): Promise<void> {
    return this.store.setItem(SYNC_KEY_PREFIX + sessionKey, JSON.stringify(record));
  }
  removeSync(sessionKey: string): Promise<void> {
    return this.store.removeItem(SYNC_KEY_PREFIX + sessionKey);
  }

  /** Every sync record, by session key (including sessions no longer in the config). */
  async allSyncs(): Promise<Map<string, SyncRecord>> {
    const out = new Map<string, SyncRecord>();
    for (const [key, raw] of Object.entries(await this.store.allItems())) {
      if (!key.startsWith(SYNC_KEY_PREFIX)) continue;
      const r = parse<SyncRecord>(raw);
      if (r && r.v === 1) out.set(key.slice(SYNC_KEY_PREFIX.length), r);
    }
    return out;
  }

  private async read<T extends { v: number }>(key: string, ok: (r: T) => boolean): Promise<T | undefined> {
    const raw = await this.store.getItem(key);
    const r = raw === undefined ? undefined : parse<T>(raw);
    return r && r.v === 1 && ok(r) ? r : undefined;
  }
}

/** LocalStorage is shared and may hold anything: parse defensively. */
function parse<T>(raw: string): T | undefined {
  try {
    const v = JSON.parse(raw) as unknown;
    return v && typeof v === "object" ? (v as T) : undefined;
  } catch {
    return undefined;
  }
}
