// SigV4 check shared by the SSM and EC2 emulators: only role credentials issued by the emulated portal are accepted,
// and the signature is recomputed with the stored secret, as AWS does.
import { createHash, createHmac } from "node:crypto";
import type { EmulatorContext } from "../context";
import type { IssuedCredentials } from "../directory";
import type { EmulatorRequest } from "../http";

export type AuthFailure = "missing" | "unknown-key" | "bad-token" | "expired" | "signature";

export type AuthResult =
  | { ok: true; credentials: IssuedCredentials; accessKeyId: string; region: string }
  | { ok: false; failure: AuthFailure; accessKeyId?: string; message?: string };

interface ParsedAuthorization {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

const AUTH_RE =
  /^AWS4-HMAC-SHA256\s+Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request,\s*SignedHeaders=([^,]+),\s*Signature=([0-9a-f]{64})$/;

export function parseAuthorization(header: string | undefined): ParsedAuthorization | undefined {
  const m = header ? AUTH_RE.exec(header.trim()) : null;
  if (!m) return undefined;
  return {
    accessKeyId: m[1],
    date: m[2],
    region: m[3],
    service: m[4],
    signedHeaders: m[5].split(";"),
    signature: m[6],
  };
}

/** `service` is the signing name the request must be scoped to (ssm, ec2). */
export function authenticate(ctx: EmulatorContext, req: EmulatorRequest, service: string): AuthResult {
  const auth = parseAuthorization(header(req, "authorization"));
  if (!auth) return { ok: false, failure: "missing" };
  if (auth.service !== service) {
    const message = `Credential should be scoped to correct service: '${service}'. `;
    return { ok: false, failure: "signature", accessKeyId: auth.accessKeyId, message };
  }
  if (!(header(req, "x-amz-date") ?? "").startsWith(auth.date)) {
    const message = `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${auth.date}' != '${(header(req, "x-amz-date") ?? "").slice(0, 8)}', from '${header(req, "x-amz-date") ?? ""}'.`;
    return { ok: false, failure: "signature", accessKeyId: auth.accessKeyId, message };
  }
  const credentials = ctx.directory.credentials.get(auth.accessKeyId);
  if (!credentials) return { ok: false, failure: "unknown-key", accessKeyId: auth.accessKeyId };
  if (header(req, "x-amz-security-token") !== credentials.sessionToken) {
    return { ok: false, failure: "bad-token", accessKeyId: auth.accessKeyId };
  }
  if (expiresAtMs(credentials) <= ctx.clock.now()) {
    return { ok: false, failure: "expired", accessKeyId: auth.accessKeyId };
  }
  if (expectedSignature(req, auth, credentials.secretAccessKey) !== auth.signature) {
    return { ok: false, failure: "signature", accessKeyId: auth.accessKeyId };
  }
  return { ok: true, credentials, accessKeyId: auth.accessKeyId, region: auth.region };
}

/** GetRoleCredentials reports milliseconds; tolerate seconds in case a test inserts them. */
function expiresAtMs(c: IssuedCredentials): number {
  return c.expiration < 1e12 ? c.expiration * 1000 : c.expiration;
}

function header(req: EmulatorRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(",") : v;
}

/** The SigV4 signature of `req` (canonical request → string to sign → derived key), per AWS's documentation. */
export function expectedSignature(req: EmulatorRequest, auth: ParsedAuthorization, secret: string): string {
  const amzDate = header(req, "x-amz-date") ?? "";
  const canonicalHeaders = auth.signedHeaders
    .map((h) => `${h}:${(header(req, h) ?? "").trim().replace(/\s+/g, " ")}\n`)
    .join("");
  const payloadHash = header(req, "x-amz-content-sha256") ?? sha256Hex(req.body);
  const canonicalRequest = [
    req.method,
    canonicalPath(req.path),
    canonicalQuery(req.query),
    canonicalHeaders,
    auth.signedHeaders.join(";"),
    payloadHash,
  ].join("\n");
  const scope = `${auth.date}/${auth.region}/${auth.service}/aws4_request`;
  const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256Hex(Buffer.from(canonicalRequest))].join("\n");
  let key: Buffer = hmac(Buffer.from(`AWS4${secret}`), auth.date);
  for (const part of [auth.region, auth.service, "aws4_request"]) key = hmac(key, part);
  return createHmac("sha256", key).update(stringToSign).digest("hex");
}

function canonicalPath(path: string): string {
  // Non-S3 services encode each segment of the (already encoded) path once more.
  return path
    .split("/")
    .map((s) => uriEncode(s))
    .join("/");
}

function canonicalQuery(q: URLSearchParams): string {
  return [...q.entries()]
    .map(([k, v]) => [uriEncode(k), uriEncode(v)])
    .sort(([a, av], [b, bv]) => (a === b ? cmp(av, bv) : cmp(a, b)))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function uriEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function sha256Hex(b: Buffer): string {
  return createHash("sha256").update(b).digest("hex");
}

function hmac(key: Buffer, data: string): Buffer {
  return createHmac("sha256", key).update(data).digest();
}
