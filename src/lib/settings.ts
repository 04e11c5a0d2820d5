// User settings: Raycast preferences on the extension side, flags/env on the CLI side, passed to workers.

export type LoginMethod = "pkce" | "device-code";

export interface Settings {
  autoRefresh: boolean;
  /** Refresh when less than this is left before expiry. */
  refreshThresholdMs: number;
  /** How often tokens are checked. */
  checkIntervalMs: number;
  loginMethod: LoginMethod;
  mirrorToKeychain: boolean;
  /** AWS config file override; empty = AWS_CONFIG_FILE or ~/.aws/config. */
  awsConfigFile?: string;
}

export const DEFAULT_SETTINGS: Settings = {
  autoRefresh: true,
  refreshThresholdMs: 5 * 60_000,
  checkIntervalMs: 60_000,
  loginMethod: "pkce",
  mirrorToKeychain: true,
};

/** Preferences as Raycast stores them (dropdown values are strings). */
export interface RawPreferences {
  autoRefresh?: boolean;
  refreshThresholdMinutes?: string;
  refreshCheckIntervalSeconds?: string;
  loginMethod?: string;
  mirrorToKeychain?: boolean;
  awsConfigFile?: string;
}

export function settingsFromPreferences(p: RawPreferences): Settings {
  const minutes = Number(p.refreshThresholdMinutes);
  const seconds = Number(p.refreshCheckIntervalSeconds);
  return {
    autoRefresh: p.autoRefresh ?? DEFAULT_SETTINGS.autoRefresh,
    refreshThresholdMs: minutes > 0 ? minutes * 60_000 : DEFAULT_SETTINGS.refreshThresholdMs,
    checkIntervalMs: seconds > 0 ? seconds * 1000 : DEFAULT_SETTINGS.checkIntervalMs,
    loginMethod: p.loginMethod === "device-code" ? "device-code" : "pkce",
    mirrorToKeychain: p.mirrorToKeychain ?? DEFAULT_SETTINGS.mirrorToKeychain,
    awsConfigFile: p.awsConfigFile?.trim() || undefined,
  };
}

/** Settings travel to detached workers in the environment (never secrets). */
export function settingsToEnv(s: Settings): Record<string, string> {
  return {
    STORMTUNNEL_AUTO_REFRESH: s.autoRefresh ? "1" : "0",
    STORMTUNNEL_REFRESH_THRESHOLD_MS: String(s.refreshThresholdMs),
    STORMTUNNEL_CHECK_INTERVAL_MS: String(s.checkIntervalMs),
    STORMTUNNEL_LOGIN_METHOD: s.loginMethod,
    STORMTUNNEL_KEYCHAIN: s.mirrorToKeychain ? "1" : "0",
    ...(s.awsConfigFile ? { STORMTUNNEL_AWS_CONFIG_FILE: s.awsConfigFile } : {}),
  };
}

export function settingsFromEnv(env: Record<string, string | undefined>): Settings {
  const num = (v: string | undefined, d: number) => (v && Number(v) > 0 ? Number(v) : d);
  return {
    autoRefresh: env.STORMTUNNEL_AUTO_REFRESH !== "0",
    refreshThresholdMs: num(env.STORMTUNNEL_REFRESH_THRESHOLD_MS, DEFAULT_SETTINGS.refreshThresholdMs),
    checkIntervalMs: num(env.STORMTUNNEL_CHECK_INTERVAL_MS, DEFAULT_SETTINGS.checkIntervalMs),
    loginMethod: env.STORMTUNNEL_LOGIN_METHOD === "device-code" ? "device-code" : "pkce",
    mirrorToKeychain: env.STORMTUNNEL_KEYCHAIN !== "0",
    awsConfigFile: env.STORMTUNNEL_AWS_CONFIG_FILE || undefined,
  };
}
