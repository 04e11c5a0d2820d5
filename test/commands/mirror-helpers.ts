// What the token mirror tests look at: the AWS CLI cache file, Raycast LocalStorage (stand-in) and the fake Keychain.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { LocalStorage } from "../raycast/api";
import { loadAwsConfig } from "../../src/lib/aws";
import { formatCacheTimestamp } from "../../src/lib/sso/timestamps";
import type { CachedToken } from "../../src/lib/sso/token-cache";
import type { TestHome } from "./fixtures";

export const MIN = 60_000;

export async function corpCacheFile(home: TestHome): Promise<string> {
  return (await loadAwsConfig({ env: home.env })).groups[0].tokenCacheFile;
}

let n = 0;
/** Writes a token the way `aws sso login` leaves it for the "corp" session; returns it. */
export function cliLogin(file: string, expiresInMs = 60 * MIN, over: Partial<CachedToken> = {}): CachedToken {
  n += 1;
  const token: CachedToken = {
    startUrl: "https://corp.awsapps.com/start",
    region: "eu-west-1",
    accessToken: `aoaMIRROR${n}secretAccess`,
    expiresAt: formatCacheTimestamp(Date.now() + expiresInMs),
    clientId: "client",
    clientSecret: `csecret${n}`,
    registrationExpiresAt: formatCacheTimestamp(Date.now() + 30 * 24 * 60 * MIN),
    refreshToken: `aorMIRROR${n}secretRefresh`,
    ...over,
  };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(token), { mode: 0o600 });
  return token;
}

/** The access token LocalStorage holds for the "corp" session, if any. */
export async function localAccessToken(): Promise<string | undefined> {
  const raw = await LocalStorage.getItem<string>("sso.token.v1.corp");
  return raw === undefined ? undefined : (JSON.parse(raw) as { token: CachedToken }).token.accessToken;
}

export const fakeKeychain = (home: TestHome) => ({
  lock: () => writeFileSync(join(home.env.FAKE_SECURITY_DIR, "locked"), ""),
  calls(): { argv: string[]; stdin: string }[] {
    const file = join(home.env.FAKE_SECURITY_DIR, "calls.jsonl");
    if (!existsSync(file)) return [];
    return readFileSync(file, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
  },
  /** Decoded item data by account. */
  items(): Record<string, string> {
    const file = join(home.env.FAKE_SECURITY_DIR, "store.json");
    if (!existsSync(file)) return {};
    const store = JSON.parse(readFileSync(file, "utf8")) as Record<string, { account: string; hex: string }>;
    return Object.fromEntries(Object.values(store).map((i) => [i.account, Buffer.from(i.hex, "hex").toString()]));
  },
});
