// The Keychain copy of a profile's SSO token: one generic-password item per profile.
//   service: "StormTunnel SSO Token"
//   account: the profile name (e.g. "dev")
//   label:   "StormTunnel SSO token (dev)"
//   data:    UTF-8 JSON {v, sessionKey, startUrl, region, accessToken, expiresAt}
// Only what a restore of the AWS CLI cache file needs; no refresh token or client secret, so the item stays small.
import type { Env } from "../../home";
import { Keychain, type KeychainDeps } from "./keychain";

export const KEYCHAIN_TOKEN_SERVICE = "StormTunnel SSO Token";

export interface MirroredToken {
  v: 1;
  /** The token cache key: sso-session name, or start URL for legacy profiles. */
  sessionKey: string;
  startUrl: string;
  region: string;
  accessToken: string;
  /** As in the cache file (UTC ISO-8601 with Z). */
  expiresAt: string;
}

export class KeychainTokenMirror {
  private readonly keychain: Keychain;

  constructor(deps: KeychainDeps = {}) {
    this.keychain = new Keychain(KEYCHAIN_TOKEN_SERVICE, deps);
  }

  /** Set when the keychain is locked: the mirror is paused, never fatal. */
  get unavailable(): string | undefined {
    return this.keychain.unavailable;
  }

  write(profile: string, token: MirroredToken): Promise<void> {
    return this.keychain.set(profile, `StormTunnel SSO token (${profile})`, JSON.stringify(token));
  }

  async read(profile: string): Promise<MirroredToken | undefined> {
    const raw = await this.keychain.get(profile);
    if (raw === undefined) return undefined;
    try {
      const t = JSON.parse(raw) as MirroredToken;
      return t && t.v === 1 && typeof t.accessToken === "string" && typeof t.expiresAt === "string" ? t : undefined;
    } catch {
      return undefined;
    }
  }

  remove(profile: string): Promise<boolean> {
    return this.keychain.delete(profile);
  }
}

/** Path of a stand-in `security` binary (tests, development); anywhere else the Keychain exists only on macOS. */
export const SECURITY_PATH_ENV = "STORMTUNNEL_SECURITY_PATH";

/** The Keychain mirror where there is a Keychain, else undefined. */
export function keychainMirrorFor(env: Env): KeychainTokenMirror | undefined {
  const securityPath = env[SECURITY_PATH_ENV];
  if (securityPath) return new KeychainTokenMirror({ securityPath, env });
  return process.platform === "darwin" ? new KeychainTokenMirror({ env }) : undefined;
}
