// Per-session refresh status shared by every process (Raycast commands, tunnel workers, the CLI):
// $STORMTUNNEL_HOME/sso-status.json. Holds no secrets: only times, counts, reasons and token fingerprints.
import { createHash } from "node:crypto";
import { readFileSync, statSync, type Stats } from "node:fs";
import { join } from "node:path";
import type { AwsConfig, Profile, SsoSessionGroup } from "../aws";
import { ensureStormtunnelHome, stormtunnelHome, type Env } from "../home";
import { DEFAULT_SETTINGS, type Settings } from "../settings";
import { readJsonFile, writeFileAtomic } from "../atomic-file";
import { isLockHeld, withFileLock } from "../lock";
import {
  cannotRefreshReason,
  decide,
  refreshPending,
  tunnelUsable,
  type AttemptHistory,
  type CacheFacts,
  type Decision,
  type TokenState,
} from "./refresh-policy";
import { readToken, tokenFromJson, tokenLockPath, type CachedToken, type TokenRead } from "./token-cache";

export interface SessionStatus extends AttemptHistory {
  /** Last failed attempt, for the UI and `stormtunnel profiles`. */
  lastError?: { kind: string; message: string; at: number };
}

interface StatusFile {
  version: 1;
  /** By token cache key (sso-session name, or start URL for legacy profiles). */
  sessions: Record<string, SessionStatus>;
}

export function sessionStatusFile(env: Env): string {
  return join(stormtunnelHome(env), "sso-status.json");
}

export class SessionStatusStore {
  readonly file: string;

  constructor(private readonly env: Env) {
    this.file = sessionStatusFile(env);
  }

  /** Every session's status; an absent or damaged file reads as "nothing known" (it is only a cache of outcomes). */
  async readAll(): Promise<Record<string, SessionStatus>> {
    const read = await readJsonFile(this.file, { retries: 1, delayMs: 20 });
    if (read.state !== "ok") return {};
    const value = read.value as Partial<StatusFile> | null;
    return value && value.version === 1 && value.sessions && typeof value.sessions === "object" ? value.sessions : {};
  }

  async get(key: string): Promise<SessionStatus | undefined> {
    return (await this.readAll())[key];
  }

  /** Read-modify-write of one session under a lock, so processes updating different sessions never lose each other's. */
  async update(
    key: string,
    fn: (prev: SessionStatus | undefined) => SessionStatus | undefined,
  ): Promise<SessionStatus | undefined> {
    ensureStormtunnelHome(this.env);
    return withFileLock(
      `${this.file}.lock`,
      async () => {
        const sessions = await this.readAll();
        const next = fn(sessions[key]);
        if (next === undefined) delete sessions[key];
        else sessions[key] = next;
        const body: StatusFile = { version: 1, sessions };
        await writeFileAtomic(this.file, JSON.stringify(body, null, 2), { mode: 0o600, dirMode: 0o700 });
        return next;
      },
      { staleMs: 10_000, timeoutMs: 10_000 },
    );
  }
}

/** A short, non-reversible name for a token, so status records can say which token they are about. */
export function tokenFingerprint(token: CachedToken): string {
  let fp = fingerprints.get(token);
  if (fp === undefined) {
    fp = createHash("sha256")
      .update(`${token.accessToken}\u0000${token.refreshToken ?? ""}`)
      .digest("hex")
      .slice(0, 16);
    fingerprints.set(token, fp);
  }
  return fp;
}
const fingerprints = new WeakMap<CachedToken, string>();

/**
 * Remembers parsed token files by (inode, size, mtime), so a periodic check costs one stat per unchanged file instead
 * of a read and a parse. Only for looking: refreshes re-read the file under the lock.
 */
export class TokenReadCache {
  private readonly entries = new Map<string, { ino: number; size: number; mtimeMs: number; read: TokenRead }>();

  async read(file: string): Promise<TokenRead> {
    let st: Stats | undefined;
    try {
      st = statSync(file, { throwIfNoEntry: false });
    } catch {
      st = undefined; // EACCES and friends: readToken says what is wrong
    }
    const hit = st && this.entries.get(file);
    if (st && hit && hit.ino === st.ino && hit.size === st.size && hit.mtimeMs === st.mtimeMs) return hit.read;
    const read = (st && quickRead(file, st.mtimeMs)) || (await readToken(file));
    // Stat taken before the read: if the file changed in between, the next stat differs and it is read again.
    if (st && read.state === "ok") this.entries.set(file, { ino: st.ino, size: st.size, mtimeMs: st.mtimeMs, read });
    else this.entries.delete(file);
    return read;
  }
}

/**
 * One synchronous read and parse: a cold check over many sessions is dominated by async file-call overhead, not I/O
 * (the files are ~2 KB). Anything unusual (half-written, unreadable) goes to readToken, which retries and explains.
 */
function quickRead(file: string, mtimeMs: number): TokenRead | undefined {
  try {
    const read = tokenFromJson(JSON.parse(readFileSync(file, "utf8")), mtimeMs);
    return read.state === "ok" ? read : undefined;
  } catch {
    return undefined;
  }
}

/** Shared by the menu bar, the background command and workers in this process. */
export const tokenReadCache = new TokenReadCache();

/** What the policy needs from a cache read. */
export function cacheFacts(read: TokenRead): CacheFacts {
  if (read.state !== "ok") return read;
  return {
    state: "ok",
    token: {
      expiresAt: read.expiresAt.getTime(),
      hasRefreshData: read.refreshable,
      registrationExpiresAt: read.registrationExpiresAt?.getTime(),
      fingerprint: tokenFingerprint(read.token),
    },
  };
}

/** One profile's token situation, for the UI, the menu bar and `stormtunnel profiles`. */
export interface ProfileTokenStatus {
  profile: string;
  kind: Profile["kind"];
  /** sso-session name, or the start URL of a legacy profile; absent for profiles without SSO. */
  session?: string;
  /** Absent for profiles without SSO. */
  state?: TokenState;
  reason?: string;
  expiresAt?: number;
  idpSessionEnd?: number;
  /** How the token on disk stays fresh; absent without one. */
  silentRefresh?: SilentRefresh;
  /** The profile is configured for tunnels and its token is valid now. */
  tunnelUsable: boolean;
  /** A silent refresh can still renew the token (due, running, retrying): an expired one then needs no sign-in. */
  refreshPending?: boolean;
  /** The token renews by itself (refresh token, live registration, auto-refresh on); absent without a token. */
  refreshable?: boolean;
  /** Why it does not renew by itself. */
  notRefreshableReason?: string;
  /**
   * When a sign-in will really be needed (epoch ms): the SSO session's end when known, else the access token's expiry
   * for a token that does not renew; absent for a renewing token whose session end is not known yet.
   */
  signInBy?: number;
}

/**
 * "automatic": the token carries a refresh token. "sign-in-to-enable": it has none (the AWS CLI signs legacy and
 * device-code profiles in without one), so it runs out at expiresAt, and one sign-in with StormTunnel makes it
 * refreshable: what Authenticate Profile offers. "unavailable": the configured scopes rule refresh out.
 */
export type SilentRefresh = "automatic" | "sign-in-to-enable" | "unavailable";

function silentRefreshOf(group: SsoSessionGroup, cache: CacheFacts): SilentRefresh | undefined {
  if (cache.state !== "ok") return undefined;
  if (!group.canRefresh) return "unavailable";
  return cache.token.hasRefreshData ? "automatic" : "sign-in-to-enable";
}

/**
 * Token state of every profile: reads each session's cache file and the shared status once, no network.
 * Cheap enough for the menu bar on every render.
 */
export async function tokenStatusForProfiles(
  config: AwsConfig,
  env: Env,
  now: number,
  settings: Pick<Settings, "autoRefresh" | "refreshThresholdMs"> = DEFAULT_SETTINGS,
  cache: TokenReadCache = tokenReadCache,
): Promise<ProfileTokenStatus[]> {
  const statuses = await new SessionStatusStore(env).readAll();
  const bySession = new Map<string, SessionView>();
  await Promise.all(
    config.groups.map(async (g) => {
      bySession.set(
        g.tokenCacheKey,
        await sessionView(g, statuses[g.tokenCacheKey], settings, now, { probeLock: true, cache }),
      );
    }),
  );
  const groupOf = new Map<string, SsoSessionGroup>();
  for (const g of config.groups) for (const name of g.profiles) if (!groupOf.has(name)) groupOf.set(name, g);
  return config.profiles.map((p) => {
    const group = p.kind === "other" ? undefined : groupOf.get(p.name);
    const view = group && bySession.get(group.tokenCacheKey);
    if (!group || !view) return { profile: p.name, kind: p.kind, tunnelUsable: false, reason: p.reason };
    return {
      profile: p.name,
      kind: p.kind,
      session: group.sessionName ?? group.startUrl,
      state: view.decision.state,
      reason: view.decision.reason ?? (p.usableForTunnels ? undefined : p.reason),
      expiresAt: view.expiresAt,
      idpSessionEnd: view.idpSessionEnd,
      silentRefresh: view.silentRefresh,
      tunnelUsable: p.usableForTunnels && view.usable,
      refreshPending: refreshPending(view.decision),
      ...renewal(view, group.canRefresh, settings.autoRefresh, now),
    };
  });
}

/** Whether the session's token renews by itself, and so when a sign-in will really be needed. */
function renewal(
  view: SessionView,
  canRefresh: boolean,
  autoRefresh: boolean,
  now: number,
): Pick<ProfileTokenStatus, "refreshable" | "notRefreshableReason" | "signInBy"> {
  const facts = cacheFacts(view.read);
  if (facts.state !== "ok") return {};
  const blocked =
    cannotRefreshReason(canRefresh, facts.token, now) ?? (autoRefresh ? undefined : "automatic refresh is turned off");
  const signInBy = view.idpSessionEnd ?? (blocked ? facts.token.expiresAt : undefined);
  return { refreshable: !blocked, notRefreshableReason: blocked, signInBy };
}

export interface SessionView {
  read: TokenRead;
  decision: Decision;
  expiresAt?: number;
  idpSessionEnd?: number;
  silentRefresh?: SilentRefresh;
  usable: boolean;
}

/** Reads one session's cache file and judges it against the shared status (no network, no writes). */
export async function sessionView(
  group: SsoSessionGroup,
  history: SessionStatus | undefined,
  settings: Pick<Settings, "autoRefresh" | "refreshThresholdMs">,
  now: number,
  opts: { force?: boolean; probeLock?: boolean; cache?: TokenReadCache } = {},
): Promise<SessionView> {
  const read = opts.cache ? await opts.cache.read(group.tokenCacheFile) : await readToken(group.tokenCacheFile);
  const cache = cacheFacts(read);
  const input = { now, settings, sessionCanRefresh: group.canRefresh, cache, history, force: opts.force };
  let decision = decide(input);
  // Another process holding the token lock while the token is due means a refresh is running there.
  if (opts.probeLock && decision.refresh && (await isLockHeld(tokenLockPath(group.tokenCacheFile)))) {
    decision = decide({ ...input, inFlight: true });
  }
  const auth = cache.state === "ok" && history?.authRequired?.fingerprint === cache.token.fingerprint;
  return {
    read,
    decision,
    expiresAt: cache.state === "ok" ? cache.token.expiresAt : undefined,
    idpSessionEnd: auth ? history?.authRequired?.idpSessionEnd : undefined,
    silentRefresh: silentRefreshOf(group, cache),
    usable: tunnelUsable(cache, now),
  };
}
