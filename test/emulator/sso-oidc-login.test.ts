// The OIDC emulator driven by the real AWS SDK v3 client: client registration, the device code flow and the
// authorization code + PKCE flow.
import {
  AccessDeniedException,
  AuthorizationPendingException,
  CreateTokenCommand,
  ExpiredTokenException,
  InvalidGrantException,
  InvalidRedirectUriException,
  InvalidScopeException,
  RegisterClientCommand,
  SlowDownException,
  type RegisterClientCommandOutput,
} from "@aws-sdk/client-sso-oidc";
import { authorizeUrl, pkcePair } from "./oidc/testing";
import { START_URL, useOidcHarness } from "./support/oidc";

const { h, register, startDevice, pollDevice, refresh, deviceLogin } = useOidcHarness();

describe("RegisterClient", () => {
  test("returns a registration that expires after registrationTtlSeconds", async () => {
    h.emu.knobs.registrationTtlSeconds = 1000;
    const reg = await register(["sso:account:access"]);
    expect(reg.clientId).toBeTruthy();
    expect(reg.clientSecret!.length).toBeGreaterThan(500);
    expect(reg.clientSecretExpiresAt! - reg.clientIdIssuedAt!).toBe(1000);
    expect(Math.abs(reg.clientIdIssuedAt! - Date.now() / 1000)).toBeLessThan(5);
    expect(h.emu.oidc.clients()).toEqual([
      expect.objectContaining({ clientId: reg.clientId, scopes: ["sso:account:access"] }),
    ]);
  });

  test("rejects malformed scopes and non-loopback http redirect URIs", async () => {
    await expect(register(["bad scope"])).rejects.toBeInstanceOf(InvalidScopeException);
    await expect(
      h.oidc.send(
        new RegisterClientCommand({
          clientName: "x",
          clientType: "public",
          grantTypes: ["authorization_code"],
          redirectUris: ["http://example.com/oauth/callback"],
        }),
      ),
    ).rejects.toBeInstanceOf(InvalidRedirectUriException);
  });
});

describe("device code flow", () => {
  test("pending until approved, then tokens; the device code is single-use", async () => {
    const reg = await register(["sso:account:access"]);
    const dev = await startDevice(reg);
    expect(dev.verificationUriComplete).toBe(`${h.emu.endpoints.device}/?user_code=${dev.userCode}`);
    expect(dev).toMatchObject({ expiresIn: 600, interval: 1 });
    const pending = await pollDevice(reg, dev.deviceCode).catch((e: unknown) => e);
    expect(pending).toBeInstanceOf(AuthorizationPendingException);
    expect(pending).toMatchObject({ error: "authorization_pending", $metadata: { httpStatusCode: 400 } });
    expect(h.emu.oidc.pending()).toEqual([expect.objectContaining({ kind: "device", key: dev.userCode })]);

    h.emu.oidc.approve(dev.userCode!);
    h.emu.clock.advance(1000);
    const token = await pollDevice(reg, dev.deviceCode);
    expect(token).toMatchObject({ tokenType: "Bearer", expiresIn: 3600 });
    expect(token.accessToken).toMatch(/^aoa/);
    expect(token.refreshToken).toMatch(/^aor/);
    expect(h.emu.oidc.accessTokenValid(token.accessToken!)).toBe(true);
    await expect(pollDevice(reg, dev.deviceCode)).rejects.toBeInstanceOf(InvalidGrantException);
    expect(h.emu.oidc.createTokenCalls.device_code).toBe(3);
  });

  test("slow_down when polled faster than the interval, which then grows by 5 s", async () => {
    const reg = await register();
    const dev = await startDevice(reg);
    await expect(pollDevice(reg, dev.deviceCode)).rejects.toBeInstanceOf(AuthorizationPendingException);
    await expect(pollDevice(reg, dev.deviceCode)).rejects.toBeInstanceOf(SlowDownException);
    h.emu.clock.advance(1500);
    await expect(pollDevice(reg, dev.deviceCode)).rejects.toBeInstanceOf(SlowDownException);
    h.emu.clock.advance(11_000);
    await expect(pollDevice(reg, dev.deviceCode)).rejects.toBeInstanceOf(AuthorizationPendingException);
  });

  test("expired_token after deviceCodeTtlSeconds, access_denied after Deny", async () => {
    const reg = await register();
    const dev = await startDevice(reg);
    h.emu.clock.advance(601_000);
    await expect(pollDevice(reg, dev.deviceCode)).rejects.toBeInstanceOf(ExpiredTokenException);
    const dev2 = await startDevice(reg);
    h.emu.oidc.deny(dev2.userCode!);
    await expect(pollDevice(reg, dev2.deviceCode)).rejects.toBeInstanceOf(AccessDeniedException);
  });

  test("autoApprove approves on the first poll", async () => {
    h.emu.knobs.autoApprove = true;
    const reg = await register(["sso:account:access"]);
    const dev = await startDevice(reg);
    const token = await pollDevice(reg, dev.deviceCode);
    expect(token.accessToken).toBeTruthy();
  });

  // Identity Center issues refresh tokens to clients registered with scopes, whichever they are (IDE clients register
  // codewhisperer:* only and refresh); the CLI's scope-less legacy registrations get an access token alone.
  test.each([
    ["no scopes (the CLI's legacy device flow)", null, false],
    ["sso:account:access", ["sso:account:access"], true],
    ["only codewhisperer:completions", ["codewhisperer:completions"], true],
  ])("refresh token for a client registered with %s", async (_label, scopes, refreshable) => {
    const { reg, token } = await deviceLogin(scopes);
    expect(token.accessToken).toBeTruthy();
    expect(token.refreshToken !== undefined).toBe(refreshable);
    if (!refreshable) {
      // Nothing to refresh with: a made-up refresh token is refused like any unknown one.
      await expect(refresh(reg, "aor-made-up")).rejects.toMatchObject({ name: "InvalidGrantException" });
    }
  });
});

describe("authorization code + PKCE", () => {
  const CALLBACK = "http://127.0.0.1/oauth/callback";

  async function registerPkce() {
    return h.oidc.send(
      new RegisterClientCommand({
        clientName: "botocore-client-my-sso",
        clientType: "public",
        grantTypes: ["authorization_code", "refresh_token"],
        redirectUris: [CALLBACK],
        issuerUrl: START_URL,
        scopes: ["sso:account:access"],
      }),
    );
  }

  /** Plays the browser: load /authorize, click Allow or Deny, return where it is sent. */
  async function browse(url: string, decision: "allow" | "deny" = "allow"): Promise<URL> {
    const pageRes = await fetch(url, { redirect: "manual" });
    expect(pageRes.status).toBe(200);
    const html = await pageRes.text();
    expect(html).toContain('id="allow"');
    const requestId = /name="request_id" value="([^"]+)"/.exec(html)![1];
    const res = await fetch(`${h.emu.endpoints.ssoOidc}/authorize`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ request_id: requestId, decision }).toString(),
    });
    expect(res.status).toBe(302);
    return new URL(res.headers.get("location")!);
  }

  const exchange = (reg: RegisterClientCommandOutput, code: string, redirectUri: string, codeVerifier: string) =>
    h.oidc.send(
      new CreateTokenCommand({
        clientId: reg.clientId,
        clientSecret: reg.clientSecret,
        grantType: "authorization_code",
        code,
        redirectUri,
        codeVerifier,
      }),
    );

  test("Allow redirects to any loopback port with code and state; the verifier must match", async () => {
    const reg = await registerPkce();
    const { verifier, challenge } = pkcePair();
    const redirectUri = "http://127.0.0.1:34351/oauth/callback";
    const url = authorizeUrl(h.emu.endpoints.ssoOidc, {
      clientId: reg.clientId!,
      redirectUri,
      challenge,
      state: "st-1",
    });
    const back = await browse(url);
    expect(h.emu.oidc.lastAuthorize).toMatchObject({ url, params: { state: "st-1", scopes: "sso:account:access" } });
    expect(`${back.origin}${back.pathname}`).toBe(redirectUri);
    expect(back.searchParams.get("state")).toBe("st-1");
    const code = back.searchParams.get("code")!;
    await expect(exchange(reg, code, redirectUri, pkcePair().verifier)).rejects.toBeInstanceOf(InvalidGrantException);
    // The failed attempt spent the code: it is single-use.
    await expect(exchange(reg, code, redirectUri, verifier)).rejects.toBeInstanceOf(InvalidGrantException);

    const again = await browse(
      authorizeUrl(h.emu.endpoints.ssoOidc, { clientId: reg.clientId!, redirectUri, challenge, state: "st-2" }),
    );
    const token = await exchange(reg, again.searchParams.get("code")!, redirectUri, verifier);
    expect(token.refreshToken).toBeTruthy();
    expect(h.emu.oidc.createTokenCalls.authorization_code).toBe(3);
    // OAuth codes and verifiers stay out of the request log.
    const exchanges = h.emu.log.filter((e) => e.operation === "CreateToken").map((e) => e.request);
    expect(exchanges).toHaveLength(3);
    for (const logged of exchanges) expect(logged).toMatchObject({ code: "<redacted>", codeVerifier: "<redacted>" });
    expect(JSON.stringify(h.emu.log)).not.toContain(code);
  });

  test("redirect_uri must be identical to the authorize request; codes are short-lived; reuse revokes", async () => {
    const reg = await registerPkce();
    const { verifier, challenge } = pkcePair();
    const redirectUri = "http://127.0.0.1:40000/oauth/callback";
    const code1 = (
      await browse(authorizeUrl(h.emu.endpoints.ssoOidc, { clientId: reg.clientId!, redirectUri, challenge }))
    ).searchParams.get("code")!;
    await expect(exchange(reg, code1, "http://127.0.0.1:40001/oauth/callback", verifier)).rejects.toBeInstanceOf(
      InvalidGrantException,
    );
    const code2 = (
      await browse(authorizeUrl(h.emu.endpoints.ssoOidc, { clientId: reg.clientId!, redirectUri, challenge }))
    ).searchParams.get("code")!;
    h.emu.clock.advance(301_000);
    await expect(exchange(reg, code2, redirectUri, verifier)).rejects.toBeInstanceOf(ExpiredTokenException);
    const code3 = (
      await browse(authorizeUrl(h.emu.endpoints.ssoOidc, { clientId: reg.clientId!, redirectUri, challenge }))
    ).searchParams.get("code")!;
    const token = await exchange(reg, code3, redirectUri, verifier);
    await expect(exchange(reg, code3, redirectUri, verifier)).rejects.toBeInstanceOf(InvalidGrantException);
    expect(h.emu.oidc.accessTokenValid(token.accessToken!)).toBe(false);
  });

  test("Deny redirects with error=access_denied; approve() by state works without a click", async () => {
    const reg = await registerPkce();
    const { challenge } = pkcePair();
    const redirectUri = "http://127.0.0.1:40000/oauth/callback";
    const denied = await browse(
      authorizeUrl(h.emu.endpoints.ssoOidc, { clientId: reg.clientId!, redirectUri, challenge, state: "s" }),
      "deny",
    );
    expect(Object.fromEntries(denied.searchParams)).toMatchObject({ error: "access_denied", state: "s" });

    const res = await fetch(
      authorizeUrl(h.emu.endpoints.ssoOidc, { clientId: reg.clientId!, redirectUri, challenge, state: "s2" }),
    );
    expect(res.status).toBe(200);
    expect(h.emu.oidc.pending()).toEqual([expect.objectContaining({ kind: "authorize", key: "s2", redirectUri })]);
    const decision = h.emu.oidc.approve("s2");
    expect(decision.kind === "authorize" && new URL(decision.location).searchParams.get("state")).toBe("s2");
    expect(h.emu.oidc.pending()).toEqual([]);
  });

  test("a consent page left open longer than 600 s can no longer be decided", async () => {
    const reg = await registerPkce();
    const { challenge } = pkcePair();
    const redirectUri = "http://127.0.0.1:40000/oauth/callback";
    const html = await (
      await fetch(
        authorizeUrl(h.emu.endpoints.ssoOidc, { clientId: reg.clientId!, redirectUri, challenge, state: "old" }),
      )
    ).text();
    const requestId = /name="request_id" value="([^"]+)"/.exec(html)![1];
    h.emu.clock.advance(601_000);
    expect(h.emu.oidc.pending()).toEqual([]);
    expect(() => h.emu.oidc.approve("old")).toThrow(/no pending authorization/);
    const res = await fetch(`${h.emu.endpoints.ssoOidc}/authorize`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ request_id: requestId, decision: "allow" }).toString(),
    });
    expect(res.status).toBe(400);
  });

  test("unregistered redirect URIs get an error page, never a redirect; autoApprove redirects at once", async () => {
    const reg = await registerPkce();
    const { challenge } = pkcePair();
    const evil = authorizeUrl(h.emu.endpoints.ssoOidc, {
      clientId: reg.clientId!,
      redirectUri: "http://127.0.0.1:1/evil",
      challenge,
    });
    const res = await fetch(evil, { redirect: "manual" });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("invalid_redirect_uri");

    h.emu.knobs.autoApprove = true;
    const redirectUri = "http://127.0.0.1:40000/oauth/callback";
    const auto = await fetch(
      authorizeUrl(h.emu.endpoints.ssoOidc, { clientId: reg.clientId!, redirectUri, challenge, state: "a" }),
      {
        redirect: "manual",
      },
    );
    expect(auto.status).toBe(302);
    expect(new URL(auto.headers.get("location")!).searchParams.get("code")).toBeTruthy();
    const noChallenge = await fetch(
      `${h.emu.endpoints.ssoOidc}/authorize?response_type=code&client_id=${reg.clientId}&redirect_uri=${encodeURIComponent(redirectUri)}&state=z`,
      { redirect: "manual" },
    );
    expect(new URL(noChallenge.headers.get("location")!).searchParams.get("error")).toBe("invalid_request");
  });
});
