// Authorization code + PKCE (§5.2): loopback listener first, then the browser on the CLI-exact authorize URL,
// then the state check and the code exchange; the browser is told the outcome only once the token is on disk.
import type { CachedToken } from "../token-cache";
import { describeError, type FlowContext } from "./flow-context";
import { accessDenied, cancelled, loginCallFailed, loginExpired, missingCode } from "./errors";
import { startLoopbackServer } from "./loopback";
import { createTokenWithAuthCode, oidcEndpoint, registrationScopes } from "../oidc";
import { authorizeUrl, newPkceValues } from "./pkce";
import type { ResultPage } from "./callback-pages";
import type { SsoError } from "../errors";

export async function pkceLogin(ctx: FlowContext): Promise<CachedToken> {
  const { group, registration: reg, signal } = ctx;
  const pkce = newPkceValues(ctx.random);
  const endpoint = await oidcEndpoint(group.ssoRegion, ctx.endpoints);
  const server = await startLoopbackServer(pkce.state);
  try {
    const url = authorizeUrl(endpoint, {
      clientId: reg.clientId,
      redirectUri: server.redirectUri,
      state: pkce.state,
      challenge: pkce.challenge,
      scopes: reg.scopes ?? registrationScopes(group),
    });
    await ctx.report({ status: "waiting-for-browser", authorizeUrl: url });
    // The opener is not awaited: one that returns only once the page has loaded must not hold up our answer to it.
    const callback = server.waitForCallback({ timeoutMs: ctx.timeoutMs, signal });
    callback.catch(() => undefined);
    if (ctx.openBrowser) {
      void ctx.openBrowser(url).catch((err: unknown) =>
        ctx.report({
          browserError: `Could not open a browser (${describeError(err)}). Open this URL to continue: ${url}`,
        }),
      );
    }

    let cb;
    try {
      cb = await callback;
    } catch (err) {
      if ((err as Error).message === "aborted") throw cancelled();
      throw loginExpired(Math.max(1, Math.round(ctx.timeoutMs / 60_000)), "LoginTimeout");
    }
    const fail = (e: SsoError): never => {
      cb.respond(failurePage(e.message));
      throw e;
    };
    if (cb.error === "access_denied") fail(accessDenied());
    if (!cb.code) fail(missingCode(cb.error));

    let token: CachedToken;
    try {
      const tokens = await createTokenWithAuthCode(
        group,
        reg,
        { code: cb.code!, redirectUri: server.redirectUri, codeVerifier: pkce.verifier },
        { endpoints: ctx.endpoints, signal, now: ctx.now },
      );
      token = await ctx.persist(tokens);
    } catch (err) {
      const e = signal.aborted ? cancelled() : loginCallFailed(group, err, endpoint);
      return fail(e);
    }
    cb.respond({
      ok: true,
      title: "Signed in",
      message: `StormTunnel is signed in to ${group.sessionName ?? group.startUrl}. You can close this tab.`,
    });
    return token;
  } finally {
    await server.close();
  }
}

function failurePage(message: string): ResultPage {
  return { ok: false, title: "Sign-in failed", message };
}
