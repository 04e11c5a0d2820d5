// PKCE login end to end: headless Chromium on the emulator's real consent page, the loopback listener, the token file.
import { existsSync, readFileSync } from "node:fs";
import { launchChromium } from "../support/chromium";
import type { Browser, Page } from "playwright-core";
import { startEmulator, type Emulator } from "../emulator";
import { login, type LoginOptions } from "../../src/lib/sso/login";
import type { LoginProgress } from "../../src/lib/sso/login/state";
import { registrationFileFor } from "../../src/lib/sso/registration-cache";
import { readToken } from "../../src/lib/sso/token-cache";
import { groupOf, httpGet, makeTempHome, writeAwsConfig, type TempHome } from "./helpers";

jest.setTimeout(60_000);

let browser: Browser;
let emu: Emulator;
let home: TempHome;

beforeAll(async () => {
  // launch() uses a fresh temporary profile (user-data-dir) for every browser.
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});
beforeEach(async () => {
  emu = await startEmulator();
  home = makeTempHome();
  writeAwsConfig(home);
});
afterEach(async () => {
  await emu.close();
  home.cleanup();
});

function opts(extra: Partial<LoginOptions>): LoginOptions {
  return { env: home.env, method: "pkce", endpoints: emu.endpoints, now: () => emu.clock.now(), ...extra };
}

/** A browser tab that opens the URL and clicks a button on the consent page; resolves with the final page. */
function clickInBrowser(button: "#allow" | "#deny") {
  let pagePromise: Promise<Page> | undefined;
  const openBrowser = async (url: string) => {
    pagePromise = (async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(url);
      await page.click(button);
      await page.waitForSelector("main #title");
      return page;
    })();
  };
  return { openBrowser, page: () => pagePromise! };
}

it("signs in through the consent page in Chromium and tells the browser it is done", async () => {
  const { group } = await groupOf(home, "dev");
  const tab = clickInBrowser("#allow");
  const token = await login(group, opts({ openBrowser: tab.openBrowser }));
  const page = await tab.page();
  expect(await page.textContent("#title")).toBe("Signed in");
  expect(await page.textContent("#message")).toContain("signed in to corp");
  await page.context().close();

  // Authorize URL: the CLI's parameter order, `scopes`, the loopback redirect with its port.
  const url = emu.oidc.lastAuthorize!.url;
  expect(url).toMatch(
    new RegExp(
      `^${emu.endpoints.ssoOidc}/authorize\\?response_type=code&client_id=[^&]+&redirect_uri=http%3A%2F%2F127\\.0\\.0\\.1%3A\\d+%2Foauth%2Fcallback` +
        "&state=[0-9a-f-]{36}&code_challenge_method=S256&scopes=sso%3Aaccount%3Aaccess&code_challenge=[A-Za-z0-9_-]{43}$",
    ),
  );
  const client = emu.oidc.clients()[0];
  expect(client).toMatchObject({
    clientName: "botocore-client-corp",
    redirectUris: ["http://127.0.0.1/oauth/callback"],
    grantTypes: ["authorization_code", "refresh_token"],
    issuerUrl: group.startUrl,
    scopes: ["sso:account:access"],
  });
  expect(emu.oidc.createTokenCalls.authorization_code).toBe(1);
  const read = await readToken(group.tokenCacheFile);
  expect(read.state === "ok" && read.refreshable).toBe(true);
  expect(read.state === "ok" && read.token.accessToken).toBe(token.accessToken);
  expect(emu.oidc.accessTokenValid(token.accessToken)).toBe(true);
  const reg = JSON.parse(readFileSync(registrationFileFor(home.dir, group), "utf8"));
  expect(reg).toMatchObject({ clientId: client.clientId, grantTypes: ["authorization_code", "refresh_token"] });
  // The listener is gone once the login is over.
  const port = Number(new URL(emu.oidc.lastAuthorize!.params.redirect_uri).port);
  await expect(httpGet(`http://127.0.0.1:${port}/oauth/callback`)).rejects.toMatchObject({ code: "ECONNREFUSED" });
});

it("reuses the PKCE registration on the next login, and the listener is up before the browser opens", async () => {
  emu.knobs.autoApprove = true;
  const { group } = await groupOf(home, "dev");
  // The listener must already accept connections when the browser is told to open.
  const ready = async (url: string) => {
    const port = Number(new URL(new URL(url).searchParams.get("redirect_uri")!).port);
    expect((await httpGet(`http://127.0.0.1:${port}/favicon.ico`)).status).toBe(404);
    const r = await httpGet(url);
    void httpGet(r.location!);
  };
  await login(group, opts({ openBrowser: ready }));
  await login(group, opts({ openBrowser: ready }));
  expect(emu.oidc.clients()).toHaveLength(1);
});

it("reports a denial in the browser and in the error", async () => {
  const { group } = await groupOf(home, "dev");
  const tab = clickInBrowser("#deny");
  const err = await login(group, opts({ openBrowser: tab.openBrowser })).catch((e) => e);
  expect(err).toMatchObject({ kind: "auth-required", code: "access_denied" });
  const page = await tab.page();
  expect(await page.textContent("#title")).toBe("Sign-in failed");
  expect(await page.textContent("#message")).toContain("denied in the browser");
  await page.context().close();
  expect(existsSync(group.tokenCacheFile)).toBe(false);
});

it("a callback with another state cannot cancel the login: it gets an error page, the real one still signs in", async () => {
  emu.knobs.autoApprove = true;
  const { group } = await groupOf(home, "dev");
  const forged: { status: number; body: string }[] = [];
  const browser = async (url: string) => {
    const r = await httpGet(url);
    const location = new URL(r.location!);
    // A page or local process that found the port first, with a code of its own and then a denial.
    for (const q of ["code=stolen&state=00000000-0000-4000-8000-000000000000", "error=access_denied&state=x"]) {
      forged.push(await httpGet(`${location.origin}${location.pathname}?${q}`));
    }
    await httpGet(location.toString());
  };
  const token = await login(group, opts({ openBrowser: browser }));
  expect(emu.oidc.accessTokenValid(token.accessToken)).toBe(true);
  expect(forged.map((f) => f.status)).toEqual([400, 400]);
  expect(forged[0].body).toContain("state mismatch");
  expect(emu.oidc.createTokenCalls.authorization_code).toBe(1); // only the real code was exchanged
});

it("gives up after the wait time with a clear message and closes the listener", async () => {
  const { group } = await groupOf(home, "dev");
  let redirect = "";
  const err = await login(
    group,
    opts({
      timeoutMs: 300,
      openBrowser: async (url) => void (redirect = new URL(url).searchParams.get("redirect_uri")!),
    }),
  ).catch((e) => e);
  expect(err).toMatchObject({ kind: "auth-required", code: "LoginTimeout" });
  expect((err as Error).message).toContain("expired before it was approved");
  await expect(httpGet(redirect)).rejects.toMatchObject({ code: "ECONNREFUSED" });
});

it("publishes the URL when the browser cannot be opened, and the login can still finish", async () => {
  emu.knobs.autoApprove = true;
  const { group } = await groupOf(home, "dev");
  const seen: LoginProgress[] = [];
  await login(
    group,
    opts({
      openBrowser: async () => {
        throw new Error("open: ENOENT");
      },
      onProgress: (p) => {
        seen.push(p);
        if (p.browserError && seen.filter((s) => s.browserError).length === 1) {
          void httpGet(p.authorizeUrl!).then((r) => httpGet(r.location!));
        }
      },
    }),
  );
  const failed = seen.find((p) => p.browserError)!;
  expect(failed.browserError).toBe(
    `Could not open a browser (open: ENOENT). Open this URL to continue: ${failed.authorizeUrl}`,
  );
  expect(seen.at(-1)?.status).toBe("succeeded");
});

it("can be cancelled while waiting for the browser; the listener closes", async () => {
  const { group } = await groupOf(home, "dev");
  const ac = new AbortController();
  let redirect = "";
  const err = await login(
    group,
    opts({
      signal: ac.signal,
      openBrowser: async (url) => {
        redirect = new URL(url).searchParams.get("redirect_uri")!;
        setTimeout(() => ac.abort(), 50);
      },
    }),
  ).catch((e) => e);
  expect(err).toMatchObject({ kind: "cancelled" });
  await expect(httpGet(redirect)).rejects.toMatchObject({ code: "ECONNREFUSED" });
});
