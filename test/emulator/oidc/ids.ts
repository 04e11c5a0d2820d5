// Random identifiers and secrets shaped like the real ones (opaque to clients, but of similar length and alphabet).
import { randomBytes, randomInt } from "node:crypto";

const b64url = (n: number): string => randomBytes(n).toString("base64url");

export const newClientId = (): string => b64url(16);
export const newAccessToken = (): string => `aoa${b64url(96)}`;
export const newRefreshToken = (): string => `aor${b64url(96)}`;
export const newDeviceCode = (): string => b64url(48);
export const newAuthCode = (): string => b64url(48);
export const newId = (): string => b64url(12);

/** A JWT-looking client secret of about 1 KB, like Identity Center's. */
export function newClientSecret(clientId: string, issuedAt: number, expiresAt: number): string {
  const header = Buffer.from(JSON.stringify({ kid: "key-emulator", alg: "HS384" })).toString("base64url");
  const payload = Buffer.from(JSON.stringify({ clientId, issuedAt, expiresAt, nonce: b64url(300) })).toString(
    "base64url",
  );
  return `${header}.${payload}.${b64url(64)}`;
}

/** User codes avoid vowels and look-alike characters, as RFC 8628 suggests: XXXX-XXXX. */
const USER_CODE_ALPHABET = "BCDFGHJKLMNPQRSTVWXZ";
export function newUserCode(): string {
  const pick = () => USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)];
  const part = () => Array.from({ length: 4 }, pick).join("");
  return `${part()}-${part()}`;
}

/** Accepts what a user may type: any case, with or without the dash. */
export function normalizeUserCode(input: string): string {
  const raw = input.toUpperCase().replace(/[^A-Z]/g, "");
  return raw.length === 8 ? `${raw.slice(0, 4)}-${raw.slice(4)}` : raw;
}
