// Helpers for tests that play the client side of the PKCE flow: verifier/challenge, the CLI's authorize URL,
// and a loopback callback listener like the one `aws sso login` runs.
import { randomBytes, randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { s256 } from "./pkce";

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(48).toString("base64url").slice(0, 64);
  return { verifier, challenge: s256(verifier) };
}

/** The authorize URL with the CLI's parameter order (sso-tokens.md §5.2). */
export function authorizeUrl(
  base: string,
  p: { clientId: string; redirectUri: string; challenge: string; state?: string; scopes?: string[] },
): string {
  const q = new URLSearchParams();
  q.set("response_type", "code");
  q.set("client_id", p.clientId);
  q.set("redirect_uri", p.redirectUri);
  q.set("state", p.state ?? randomUUID());
  q.set("code_challenge_method", "S256");
  q.set("scopes", (p.scopes ?? ["sso:account:access"]).join(" "));
  q.set("code_challenge", p.challenge);
  return `${base}/authorize?${q.toString().replace(/\+/g, "%20")}`;
}

export interface CallbackListener {
  port: number;
  redirectUri: string;
  /** Resolves with the query of the next request the browser makes to the listener. */
  next(): Promise<URLSearchParams>;
  close(): Promise<void>;
}

export async function startCallbackListener(): Promise<CallbackListener> {
  const waiting: ((q: URLSearchParams) => void)[] = [];
  const received: URLSearchParams[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    // Browsers also ask for /favicon.ico; only the callback path counts.
    if (url.pathname !== "/oauth/callback") return void res.writeHead(404).end();
    const query = url.searchParams;
    res.writeHead(200, { "content-type": "text/html" }).end("<p id='done'>You can close this window.</p>");
    const w = waiting.shift();
    if (w) w(query);
    else received.push(query);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    redirectUri: `http://127.0.0.1:${port}/oauth/callback`,
    next: () => {
      const q = received.shift();
      return q ? Promise.resolve(q) : new Promise((r) => waiting.push(r));
    },
    close: () => {
      server.closeAllConnections();
      return new Promise((r) => server.close(() => r()));
    },
  };
}
