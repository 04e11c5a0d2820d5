// The PKCE loopback listener: bound on 127.0.0.1 (never all interfaces) before the browser opens, it waits for
// the one redirect to /oauth/callback carrying this login's `state` and holds that response until the token exchange
// says success or failure. Anything else that finds the port (another page, a local process, a rebinding DNS name)
// gets an error page and changes nothing: the login keeps waiting for its own callback or its timeout.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { CALLBACK_SECURITY_HEADERS, resultHtml, type ResultPage } from "./callback-pages";
import { CALLBACK_PATH, redirectUriFor } from "./pkce";

export interface CallbackParams {
  code?: string;
  state?: string;
  error?: string;
  errorDescription?: string;
}

export interface ReceivedCallback extends CallbackParams {
  /** Sends the page the user sees in the browser; called once (a generic page is sent if nobody does in 30 s). */
  respond(page: ResultPage): void;
}

export interface LoopbackServer {
  port: number;
  redirectUri: string;
  /** Resolves with the first callback carrying the expected state; rejects with "timeout" / "aborted" Errors. */
  waitForCallback(opts: { timeoutMs: number; signal?: AbortSignal }): Promise<ReceivedCallback>;
  close(): Promise<void>;
}

const HOLD_RESPONSE_MS = 30_000;

/** `state`: the login's own; callbacks without it are answered with an error page and otherwise ignored. */
export async function startLoopbackServer(state: string): Promise<LoopbackServer> {
  let deliver: ((cb: ReceivedCallback) => void) | undefined;
  let received: ReceivedCallback | undefined;
  let finalPage: ResultPage | undefined;
  const waiting: ServerResponse[] = [];

  let port = 0;
  const server = createServer((req, res) => handle(req, res));
  function handle(req: IncomingMessage, res: ServerResponse) {
    // The browser follows a redirect to 127.0.0.1:<port>; any other Host is a page that resolved its own name here.
    if (req.headers.host !== `127.0.0.1:${port}`) {
      send(res, 421, { ok: false, title: "Wrong address", message: "This address only answers as 127.0.0.1." });
      return;
    }
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    if (req.method !== "GET" || url.pathname !== CALLBACK_PATH) {
      send(res, 404, { ok: false, title: "Not found", message: "This address only receives the sign-in redirect." });
      return;
    }
    if (url.searchParams.get("state") !== state) {
      send(res, 400, {
        ok: false,
        title: "Not this sign-in",
        message:
          "This sign-in response does not belong to the sign-in StormTunnel is waiting for (state mismatch), so " +
          "it was ignored. Finish signing in in the tab StormTunnel opened.",
      });
      return;
    }
    if (received) {
      // A reload or a second redirect (consent pages may navigate twice): the first one decides; show its outcome.
      if (finalPage) send(res, 200, finalPage);
      else waiting.push(res);
      return;
    }
    const q = url.searchParams;
    let responded = false;
    const hold = setTimeout(
      () => cb.respond({ ok: true, title: "Returning to StormTunnel", message: "You can close this tab." }),
      HOLD_RESPONSE_MS,
    );
    const cb: ReceivedCallback = {
      code: q.get("code") ?? undefined,
      state: q.get("state") ?? undefined,
      error: q.get("error") ?? undefined,
      errorDescription: q.get("error_description") ?? undefined,
      respond(page) {
        if (responded) return;
        responded = true;
        clearTimeout(hold);
        finalPage = page;
        send(res, 200, page);
        for (const other of waiting.splice(0)) send(other, 200, page);
      },
    };
    received = cb;
    deliver?.(cb);
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  return {
    port,
    redirectUri: redirectUriFor(port),
    waitForCallback({ timeoutMs, signal }) {
      return new Promise<ReceivedCallback>((resolve, reject) => {
        if (received) return resolve(received);
        if (signal?.aborted) return reject(new Error("aborted"));
        const timer = setTimeout(() => finish(() => reject(new Error("timeout"))), timeoutMs);
        const onAbort = () => finish(() => reject(new Error("aborted")));
        signal?.addEventListener("abort", onAbort, { once: true });
        deliver = (cb) => finish(() => resolve(cb));
        function finish(settle: () => void) {
          clearTimeout(timer);
          signal?.removeEventListener("abort", onAbort);
          deliver = undefined;
          settle();
        }
      });
    },
    async close() {
      received?.respond({
        ok: false,
        title: "Sign-in stopped",
        message: "StormTunnel stopped waiting for this sign-in.",
      });
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

function send(res: ServerResponse, status: number, page: ResultPage): void {
  const body = resultHtml(page);
  res.writeHead(status, {
    ...CALLBACK_SECURITY_HEADERS,
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-store",
    "content-length": Buffer.byteLength(body),
    connection: "close",
  });
  res.end(body);
}
