// PKCE values and the authorize URL exactly as the AWS CLI builds them (§5.2 steps 2 and 4).
import { createHash, randomBytes, randomUUID } from "node:crypto";

/** Registered without a port (RFC 8252 loopback rule); the port is added for authorize and CreateToken. */
export const REGISTERED_REDIRECT_URI = "http://127.0.0.1/oauth/callback";
export const CALLBACK_PATH = "/oauth/callback";

const VERIFIER_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";

export interface PkceValues {
  verifier: string;
  challenge: string;
  state: string;
}

/** Injectable randomness so tests can pin values. */
export interface PkceRandom {
  bytes(n: number): Buffer;
  uuid(): string;
}

export const cryptoRandom: PkceRandom = { bytes: (n) => randomBytes(n), uuid: () => randomUUID() };

/** 64 characters from [A-Za-z0-9-._~], S256 challenge (43 chars, no padding), UUIDv4 state. */
export function newPkceValues(random: PkceRandom = cryptoRandom): PkceValues {
  const verifier = pickUnbiased(random, 64);
  return { verifier, challenge: codeChallenge(verifier), state: random.uuid() };
}

export function codeChallenge(verifier: string): string {
  return createHash("sha256").update(verifier, "ascii").digest("base64url");
}

export function redirectUriFor(port: number): string {
  return `http://127.0.0.1:${port}${CALLBACK_PATH}`;
}

/** `<oidc endpoint>/authorize?` with the CLI's parameter order and `scopes` (not `scope`), %20 between scopes. */
export function authorizeUrl(
  oidcEndpoint: string,
  p: { clientId: string; redirectUri: string; state: string; challenge: string; scopes: string[] },
): string {
  const params: [string, string][] = [
    ["response_type", "code"],
    ["client_id", p.clientId],
    ["redirect_uri", p.redirectUri],
    ["state", p.state],
    ["code_challenge_method", "S256"],
    ["scopes", p.scopes.join(" ")],
    ["code_challenge", p.challenge],
  ];
  const query = params.map(([k, v]) => `${k}=${quote(v)}`).join("&");
  return `${oidcEndpoint.replace(/\/+$/, "")}/authorize?${query}`;
}

/** Python's urllib.parse.quote(safe="-._~"): everything else outside [A-Za-z0-9] is percent-encoded. */
function quote(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Rejection sampling: 66 symbols do not divide 256 evenly, so plain modulo would bias the verifier. */
function pickUnbiased(random: PkceRandom, length: number): string {
  const limit = 256 - (256 % VERIFIER_ALPHABET.length);
  let out = "";
  while (out.length < length) {
    for (const b of random.bytes(length * 2)) {
      if (b < limit && out.length < length) out += VERIFIER_ALPHABET[b % VERIFIER_ALPHABET.length];
    }
  }
  return out;
}
