import { createHash } from "node:crypto";
import { request, type IncomingHttpHeaders } from "node:http";
import fc from "fast-check";
import { authorizeUrl, codeChallenge, newPkceValues, redirectUriFor } from "../../src/lib/sso/login/pkce";
import { startLoopbackServer, type LoopbackServer } from "../../src/lib/sso/login/loopback";
import { browserCommands } from "../../src/lib/sso/login/browser";

interface Answer {
  status: number;
  body: string;
  headers: IncomingHttpHeaders;
}

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, method: "GET", headers }, (res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("PKCE values", () => {
  it("makes a 64-char verifier from the unreserved alphabet, a 43-char S256 challenge and a UUIDv4 state", () => {
    fc.assert(
      fc.property(fc.constant(null), () => {
        const v = newPkceValues();
        expect(v.verifier).toMatch(/^[A-Za-z0-9\-._~]{64}$/);
        expect(v.challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
        expect(v.challenge).toBe(createHash("sha256").update(v.verifier).digest("base64url"));
        expect(v.state).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      }),
      { numRuns: 50 },
    );
  });

  it("matches the RFC 7636 appendix B example", () => {
    expect(codeChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")).toBe(
      "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
    );
  });

  it("builds the authorize URL with the CLI's parameter order, `scopes` and %20 between scopes", () => {
    const url = authorizeUrl("http://127.0.0.1:4566/", {
      clientId: "cid-1",
      redirectUri: redirectUriFor(34351),
      state: "11b64f20-0000-4000-8000-000000000000",
      challenge: "JKzg_q7Pn3",
      scopes: ["sso:account:access", "codecatalyst:read_write"],
    });
    expect(url).toBe(
      "http://127.0.0.1:4566/authorize?response_type=code&client_id=cid-1" +
        "&redirect_uri=http%3A%2F%2F127.0.0.1%3A34351%2Foauth%2Fcallback&state=11b64f20-0000-4000-8000-000000000000" +
        "&code_challenge_method=S256&scopes=sso%3Aaccount%3Aaccess%20codecatalyst%3Aread_write&code_challenge=JKzg_q7Pn3",
    );
  });
});

describe("loopback listener", () => {
  let server: LoopbackServer;
  beforeEach(async () => {
    server = await startLoopbackServer("s1");
  });
  afterEach(() => server.close());

  it("listens on 127.0.0.1 before anything is opened and redirects to /oauth/callback with the port", () => {
    expect(server.port).toBeGreaterThan(0);
    expect(server.redirectUri).toBe(`http://127.0.0.1:${server.port}/oauth/callback`);
  });

  it("hands over code and state, and holds the browser until the result page is known", async () => {
    const waiting = server.waitForCallback({ timeoutMs: 5000 });
    const browser = get(server.port, "/oauth/callback?code=c0de&state=s1");
    const cb = await waiting;
    expect(cb).toMatchObject({ code: "c0de", state: "s1" });
    cb.respond({ ok: true, title: "Signed in", message: "Close <this> tab" });
    const page = await browser;
    expect(page.status).toBe(200);
    expect(page.body).toContain("Signed in");
    expect(page.body).toContain("Close &#60;this&#62; tab");
    // A reload shows the same outcome and does not count as a second callback.
    expect((await get(server.port, "/oauth/callback?code=other&state=s1")).body).toContain("Signed in");
  });

  it("passes errors through and ignores other paths", async () => {
    expect((await get(server.port, "/favicon.ico")).status).toBe(404);
    const waiting = server.waitForCallback({ timeoutMs: 5000 });
    void get(server.port, "/oauth/callback?error=access_denied&error_description=denied&state=s1");
    const cb = await waiting;
    expect(cb).toMatchObject({ error: "access_denied", errorDescription: "denied", code: undefined });
    cb.respond({ ok: false, title: "Denied", message: "x" });
  });

  it("a callback with another state gets an error page and changes nothing: the right one still counts", async () => {
    const waiting = server.waitForCallback({ timeoutMs: 5000 });
    let delivered = false;
    void waiting.then(() => (delivered = true));
    for (const query of ["code=evil&state=other", "error=access_denied&state=nope", "code=x"]) {
      const page = await get(server.port, `/oauth/callback?${query}`);
      expect(page.status).toBe(400);
      expect(page.body).toContain("does not belong to the sign-in StormTunnel is waiting for");
    }
    expect(delivered).toBe(false);
    const browser = get(server.port, "/oauth/callback?code=good&state=s1");
    const cb = await waiting;
    expect(cb).toMatchObject({ code: "good", state: "s1" });
    cb.respond({ ok: true, title: "Signed in", message: "done" });
    expect((await browser).status).toBe(200);
  });

  it("answers only requests addressed to 127.0.0.1:<port> (no DNS rebinding)", async () => {
    const waiting = server.waitForCallback({ timeoutMs: 5000 });
    let delivered = false;
    void waiting.then(() => (delivered = true));
    for (const host of ["evil.example", `evil.example:${server.port}`, `localhost:${server.port}`, "127.0.0.1"]) {
      const page = await get(server.port, "/oauth/callback?code=c&state=s1", { host });
      expect({ host, status: page.status }).toEqual({ host, status: 421 });
    }
    expect(delivered).toBe(false);
    void get(server.port, "/oauth/callback?code=c&state=s1");
    (await waiting).respond({ ok: true, title: "ok", message: "ok" });
  });

  it("serves every page with the security headers and nothing that could load", async () => {
    const answers = [
      await get(server.port, "/favicon.ico"),
      await get(server.port, "/oauth/callback?state=wrong"),
      await get(server.port, "/", { host: "evil.example" }),
    ];
    const waiting = server.waitForCallback({ timeoutMs: 5000 });
    const browser = get(server.port, "/oauth/callback?code=c&state=s1");
    (await waiting).respond({ ok: true, title: "Signed in", message: "done" });
    answers.push(await browser);
    for (const a of answers) {
      expect(a.headers).toMatchObject({
        "content-security-policy": "default-src 'none'",
        "x-content-type-options": "nosniff",
        "referrer-policy": "no-referrer",
        "x-frame-options": "DENY",
        "cache-control": "no-store",
      });
      expect(a.body).not.toMatch(/<(script|style|img|link|iframe)\b|\sstyle=/i);
    }
  });

  it("times out and can be aborted", async () => {
    await expect(server.waitForCallback({ timeoutMs: 50 })).rejects.toThrow("timeout");
    const ac = new AbortController();
    const p = server.waitForCallback({ timeoutMs: 5000, signal: ac.signal });
    ac.abort();
    await expect(p).rejects.toThrow("aborted");
  });
});

describe("browser commands", () => {
  const url = "http://127.0.0.1:1/authorize?a=b";
  it("uses open on macOS and xdg-open elsewhere", () => {
    expect(browserCommands({}, "darwin", url)).toEqual([["open", url]]);
    expect(browserCommands({}, "linux", url)).toEqual([["xdg-open", url]]);
  });
  it("tries each $BROWSER entry first, substituting %s", () => {
    expect(browserCommands({ BROWSER: "firefox --new-tab %s:w3m" }, "linux", url)).toEqual([
      ["firefox", "--new-tab", url],
      ["w3m", url],
      ["xdg-open", url],
    ]);
  });
});
