// Keeps the token mirrors (Raycast LocalStorage, the macOS Keychain) in step with the AWS CLI cache file.
// Rules:
// - The cache file is the truth the CLI and SDKs read; mirrors follow it.
// - The freshest valid token wins: a mirror token that is valid and expires later than the file's may restore the
//   file, but only while the file exists (corrupt or regressed by a stale writer) or when we never saw this session's
//   file (no sync record: e.g. ~/.aws was wiped or is new).
// - A file that disappears after we synced it is a logout (`aws sso logout`, ours): it propagates to the mirrors and
//   is never undone. The sync record in LocalStorage is what tells the two cases apart.
// - Keychain mirroring off removes our Keychain items.
import type { AwsConfig, SsoSessionGroup } from "../aws";
import { withFileLock } from "../lock";
import { tokenFingerprint } from "./session-status";
import { parseCacheTimestamp } from "./timestamps";
import { readToken, tokenLockPath, writeToken, type CachedToken, type TokenRead } from "./token-cache";
import type { KeyValueStore } from "./mirrors/key-value-store";
import { KeychainUnavailableError } from "./mirrors/keychain";
import type { KeychainTokenMirror, MirroredToken } from "./mirrors/keychain-mirror";
import { KEYCHAIN_CLEARED_KEY, LocalRecords, type SyncRecord } from "./mirrors/local-records";

export interface ReconcileDeps {
  store: KeyValueStore;
  /** Absent where there is no Keychain (not macOS). */
  keychain?: KeychainTokenMirror;
  mirrorToKeychain: boolean;
  now?: () => number;
}

export type ReconcileAction = "none" | "mirrored" | "restored" | "logged-out" | "kept";

export interface SessionReconcile {
  session: string;
  action: ReconcileAction;
  /** Where a restored token came from. */
  source?: "local-storage" | "keychain";
  detail?: string;
}

export interface ReconcileReport {
  sessions: SessionReconcile[];
  keychain: "ok" | "off" | "unavailable" | "absent";
  /** Why the Keychain mirror is paused (locked keychain), for the UI. */
  keychainMessage?: string;
}

/** How long a Keychain look-up that found nothing usable is trusted before asking again. */
export const KEYCHAIN_PROBE_INTERVAL_MS = 60 * 60_000;

interface Candidate {
  token: CachedToken;
  source: "local-storage" | "keychain";
}

export async function reconcileMirrors(config: AwsConfig, deps: ReconcileDeps): Promise<ReconcileReport> {
  return new Reconciler(deps).run(config);
}

class Reconciler {
  private readonly local: LocalRecords;
  private readonly now: () => number;
  private keychainError?: string;

  constructor(private readonly deps: ReconcileDeps) {
    this.local = new LocalRecords(deps.store);
    this.now = deps.now ?? Date.now;
  }

  private get keychainOn(): boolean {
    return !!this.deps.keychain && this.deps.mirrorToKeychain && !this.keychainError;
  }

  async run(config: AwsConfig): Promise<ReconcileReport> {
    if (this.deps.keychain && !this.deps.mirrorToKeychain) await this.clearKeychain(config);
    else if (this.deps.mirrorToKeychain) await this.deps.store.removeItem(KEYCHAIN_CLEARED_KEY);
    const sessions: SessionReconcile[] = [];
    for (const group of config.groups) sessions.push(await this.session(group));
    const keychain = !this.deps.keychain
      ? "absent"
      : !this.deps.mirrorToKeychain
        ? "off"
        : this.keychainError
          ? "unavailable"
          : "ok";
    return { sessions, keychain, keychainMessage: this.keychainError };
  }

  private async session(group: SsoSessionGroup): Promise<SessionReconcile> {
    const key = group.tokenCacheKey;
    const read = await readToken(group.tokenCacheFile);
    const sync = await this.local.getSync(key);

    if (read.state === "missing" && sync) return this.logout(group, sync);

    // The file exists (readable or not), or we never saw it: a fresher valid mirror token may restore it.
    const best = await this.freshestMirror(group, read);
    if (best) {
      const restored = await this.restore(group, read, best);
      if (!restored) return { session: key, action: "none", detail: "the cache file changed meanwhile" };
      await this.mirror(group, restored, sync);
      return { session: key, action: "restored", source: best.source };
    }
    if (read.state === "missing") return { session: key, action: "none" };
    if (read.state === "corrupt") {
      return {
        session: key,
        action: "kept",
        detail: `cache file unreadable (${read.reason}); no valid copy to restore`,
      };
    }
    const changed = await this.mirror(group, read.token, sync);
    return { session: key, action: changed ? "mirrored" : "none" };
  }

  /** The cache file went away after we synced it: clear every mirror of it, never restore it. */
  private async logout(group: SsoSessionGroup, sync: SyncRecord): Promise<SessionReconcile> {
    const key = group.tokenCacheKey;
    await this.local.removeToken(key);
    const profiles = new Set([...sync.keychainProfiles, ...(this.deps.keychain ? group.profiles : [])]);
    const left: string[] = [];
    for (const p of profiles) if (!(await this.keychainRemove(p))) left.push(p);
    if (left.length === 0) await this.local.removeSync(key);
    else await this.local.setSync(key, { ...sync, keychainProfiles: left, loggedOut: true });
    return {
      session: key,
      action: "logged-out",
      detail: left.length ? "some Keychain items are removed once the keychain is unlocked" : undefined,
    };
  }

  /** A mirror token that is valid, belongs to this session and expires later than the file's (if readable). */
  private async freshestMirror(group: SsoSessionGroup, read: TokenRead): Promise<Candidate | undefined> {
    const now = this.now();
    const fileExpires = read.state === "ok" ? read.expiresAt.getTime() : -Infinity;
    const fileHash = read.state === "ok" ? tokenFingerprint(read.token) : undefined;
    const usable = (t: CachedToken | undefined): t is CachedToken => {
      if (!t || (t.startUrl ?? group.startUrl) !== group.startUrl) return false;
      const exp = parseCacheTimestamp(t.expiresAt)?.getTime() ?? -Infinity;
      return exp > now && exp > fileExpires && tokenFingerprint(t) !== fileHash;
    };
    const local = await this.local.getToken(group.tokenCacheKey);
    if (usable(local?.token)) return { token: local.token, source: "local-storage" };
    // The Keychain costs a process per read: only asked when LocalStorage has nothing and the file needs help.
    if (local || !this.keychainOn || (read.state === "ok" && read.expiresAt.getTime() > now)) return undefined;
    // A signed-out session would otherwise cost a `security` process every minute from the menu and the background run.
    const probedAt = await this.local.getKeychainProbe(group.tokenCacheKey);
    if (probedAt !== undefined && now - probedAt < KEYCHAIN_PROBE_INTERVAL_MS) return undefined;
    const fromKeychain = await this.keychainRead(group);
    if (usable(fromKeychain)) return { token: fromKeychain, source: "keychain" };
    if (!this.keychainError) await this.local.setKeychainProbe(group.tokenCacheKey, now);
    return undefined;
  }

  /** Writes the mirror token into the cache file under the token lock, unless the file changed meanwhile. */
  private async restore(group: SsoSessionGroup, seen: TokenRead, best: Candidate): Promise<CachedToken | undefined> {
    return withFileLock(
      tokenLockPath(group.tokenCacheFile),
      async () => {
        const now = await readToken(group.tokenCacheFile);
        if (stamp(now) !== stamp(seen)) return undefined; // someone wrote it meanwhile: next tick decides again
        await writeToken(group.tokenCacheFile, best.token);
        const after = await readToken(group.tokenCacheFile);
        return after.state === "ok" ? after.token : undefined;
      },
      { timeoutMs: 5_000, staleMs: 30_000 },
    );
  }

  /** Copies the file's token to LocalStorage and each profile's Keychain item, skipping what is already there. */
  private async mirror(group: SsoSessionGroup, token: CachedToken, sync: SyncRecord | undefined): Promise<boolean> {
    const key = group.tokenCacheKey;
    const hash = tokenFingerprint(token);
    const same = sync?.hash === hash && !sync.loggedOut;
    let changed = false;
    const local = await this.local.getToken(key);
    if (!same || !local || tokenFingerprint(local.token) !== hash) {
      await this.local.setToken(key, token);
      changed = true;
    }
    let keychainProfiles = same ? sync.keychainProfiles : [];
    if (this.keychainOn) {
      const wanted = new Set(group.profiles);
      const record = mirrored(group, token);
      const done = new Set(keychainProfiles.filter((p) => wanted.has(p)));
      for (const p of group.profiles) {
        if (done.has(p)) continue;
        if (await this.keychainWrite(p, record)) {
          done.add(p);
          changed = true;
        }
      }
      // Profiles that left this session (renamed, removed) lose their copy.
      for (const p of sync?.keychainProfiles ?? [])
        if (!wanted.has(p) && (await this.keychainRemove(p))) changed = true;
      keychainProfiles = [...done];
    }
    if (changed || !same) {
      await this.local.setSync(key, { v: 1, expiresAt: token.expiresAt, hash, at: this.now(), keychainProfiles });
    }
    return changed;
  }

  /** Keychain mirroring turned off: remove every item we made (once per switch-off, then nothing). */
  private async clearKeychain(config: AwsConfig): Promise<void> {
    const syncs = await this.local.allSyncs();
    const cleared = (await this.deps.store.getItem(KEYCHAIN_CLEARED_KEY)) === "1";
    const accounts = new Set<string>();
    for (const s of syncs.values()) for (const p of s.keychainProfiles) accounts.add(p);
    if (!cleared) for (const g of config.groups) for (const p of g.profiles) accounts.add(p);
    if (accounts.size === 0 && cleared) return;
    let ok = true;
    for (const p of accounts) if (!(await this.keychainRemove(p))) ok = false;
    if (!ok) return;
    for (const [key, s] of syncs)
      if (s.keychainProfiles.length) await this.local.setSync(key, { ...s, keychainProfiles: [] });
    await this.deps.store.setItem(KEYCHAIN_CLEARED_KEY, "1");
  }

  private async keychainRead(group: SsoSessionGroup): Promise<CachedToken | undefined> {
    const profile = group.profiles[0];
    if (!profile) return undefined;
    const t = await this.keychainCall(() => this.deps.keychain!.read(profile));
    if (!t || t.sessionKey !== group.tokenCacheKey) return undefined;
    return { startUrl: t.startUrl, region: t.region, accessToken: t.accessToken, expiresAt: t.expiresAt };
  }

  private async keychainWrite(profile: string, token: MirroredToken): Promise<boolean> {
    return (await this.keychainCall(() => this.deps.keychain!.write(profile, token).then(() => true))) ?? false;
  }

  /** True when the item is gone (removed now or never there). */
  private async keychainRemove(profile: string): Promise<boolean> {
    if (!this.deps.keychain) return true;
    if (this.keychainError) return false;
    return (await this.keychainCall(() => this.deps.keychain!.remove(profile).then(() => true))) ?? false;
  }

  /** Any Keychain failure (locked: exit 36; no security binary) pauses the Keychain mirror for this run. Never fatal. */
  private async keychainCall<T>(fn: () => Promise<T>): Promise<T | undefined> {
    try {
      return await fn();
    } catch (err) {
      this.keychainError =
        err instanceof KeychainUnavailableError ? err.message : `Keychain mirror paused: ${(err as Error).message}`;
      return undefined;
    }
  }
}

/** The Keychain keeps only what a restore of the cache file needs (no refresh token or client secret). */
function mirrored(group: SsoSessionGroup, token: CachedToken): MirroredToken {
  return {
    v: 1,
    sessionKey: group.tokenCacheKey,
    startUrl: token.startUrl ?? group.startUrl,
    region: token.region ?? group.ssoRegion,
    accessToken: token.accessToken,
    expiresAt: token.expiresAt,
  };
}

function stamp(read: TokenRead): string {
  return read.state === "ok" ? `ok:${tokenFingerprint(read.token)}:${read.expiresAt.getTime()}` : read.state;
}
