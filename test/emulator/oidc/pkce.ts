// PKCE (RFC 7636) S256: the verifier must hash to the challenge the browser brought to /authorize.
import { createHash } from "node:crypto";

export const VERIFIER_PATTERN = /^[A-Za-z0-9\-._~]{43,128}$/;
export const CHALLENGE_PATTERN = /^[A-Za-z0-9\-_]{43}$/;

export function s256(verifier: string): string {
  return createHash("sha256").update(verifier, "ascii").digest("base64url");
}
