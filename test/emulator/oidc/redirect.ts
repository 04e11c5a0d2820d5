// Redirect URI rules: registration accepts https or loopback http; requests must match a registered URI,
// with the RFC 8252 loopback rule (http://127.0.0.1/oauth/callback matches any port).

const LOOPBACK_IPS = new Set(["127.0.0.1", "[::1]"]);

function parse(uri: string): URL | undefined {
  try {
    return new URL(uri);
  } catch {
    return undefined;
  }
}

export function acceptableRedirectUri(uri: unknown): boolean {
  if (typeof uri !== "string") return false;
  const u = parse(uri);
  if (!u || u.hash || u.username || u.password) return false;
  if (u.protocol === "https:") return true;
  return u.protocol === "http:" && (LOOPBACK_IPS.has(u.hostname) || u.hostname === "localhost");
}

export function redirectUriMatches(registered: string, requested: string): boolean {
  if (registered === requested) return true;
  const r = parse(registered);
  const q = parse(requested);
  if (!r || !q || !LOOPBACK_IPS.has(r.hostname)) return false;
  return (
    r.protocol === q.protocol &&
    r.hostname === q.hostname &&
    r.pathname === q.pathname &&
    r.search === q.search &&
    !q.hash
  );
}

/** Adds query parameters to a redirect URI that may already have some. */
export function withParams(uri: string, params: Record<string, string | undefined>): string {
  const u = new URL(uri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) u.searchParams.append(k, v);
  return u.toString();
}
