// The OIDC emulator driven by the real AWS SDK v3 client, with nothing but an endpoint override.
import {
  AccessDeniedException,
  AuthorizationPendingException,
  CreateTokenCommand,
  ExpiredTokenException,
  InternalServerException,
  InvalidClientException,
  InvalidClientMetadataException,
  InvalidGrantException,
  InvalidRedirectUriException,
  InvalidRequestException,
  InvalidScopeException,
  RegisterClientCommand,
  SlowDownException,
  SSOOIDCClient,
  StartDeviceAuthorizationCommand,
  UnauthorizedClientException,
  UnsupportedGrantTypeException,
  type RegisterClientCommandOutput,
} from "@aws-sdk/client-sso-oidc";
import { startEmulator, type Emulator } from "./index";
import { authorizeUrl, pkcePair } from "./oidc/testing";

const DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
const START_URL = "https://d-0000000000.awsapps.com/start";

let emu: Emulator;
let oidc: SSOOIDCClient;

beforeEach(async () => {
  emu = await startEmulator();
  oidc = new SSOOIDCClient({ region: "us-east-1", endpoint: emu.endpoints.ssoOidc, maxAttempts: 1 });
});
afterEach(async () => {
  oidc.destroy();
  await emu.close();
});

const register = (scopes?: string[]) =>
  oidc.send(new RegisterClientCommand({ clientName: "botocore-client-test", clientType: "public", scopes }));

async function startDevice(reg: RegisterClientCommandOutput) {
  return oidc.send(
    new StartDeviceAuthorizationCommand({
      clientId: reg.clientId,
      clientSecret: reg.clientSecret,
      startUrl: START_URL,
    }),
  );
}

const pollDevice = (reg: RegisterClientCommandOutput, deviceCode?: string) =>
  oidc.send(
    new CreateTokenCommand({
      clientId: reg.clientId,
      clientSecret: reg.clientSecret,
      grantType: DEVICE_GRANT,
      deviceCode,
    }),
  );

const refresh = (reg: RegisterClientCommandOutput, refreshToken?: string) =>
  oidc.send(
    new CreateTokenCommand({
      clientId: reg.clientId,
      clientSecret: reg.clientSecret,
      grantType: "refresh_token",
      refreshToken,
    }),
  );

async function deviceLogin(scopes: string[] | null = ["sso:account:access"]) {
  const reg = await register(scopes ?? undefined);
  const dev = await startDevice(reg);
  emu.oidc.approve(dev.userCode!);
  return { reg, token: await pollDevice(reg, dev.deviceCode) };
}

describe("RegisterClient", () => {
  test("returns a registration that expires after registrationTtlSeconds", async () => {
    emu.knobs.registrationTtlSeconds = 1000;
    const reg = await register(["sso:account:access"]);
    expect(reg.clientId).toBeTruthy();
    expect(reg.clientSecret!.length).toBeGreaterThan(500);
    expect(reg.clientSecretExpiresAt! - reg.clientIdIssuedAt!).toBe(1000);
    expect(Math.abs(reg.clientIdIssuedAt! - Date.now() / 1000)).toBeLessThan(5);
    expect(emu.oidc.clients()).toEqual([
      expect.objectContaining({ clientId: reg.clientId, scopes: ["sso:account:access"] }),
    ]);
  });

  test("rejects malformed scopes and non-loopback http redirect URIs", async () => {
    await expect(register(["bad scope"])).rejects.toBeInstanceOf(InvalidScopeException);
    await expect(
      oidc.send(
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
    expect(dev.verificationUriComplete).toBe(`${emu.url}/device?user_code=${dev.userCode}`);
    expect(dev).toMatchObject({ expiresIn: 600, interval: 1 });
    const pending = await pollDevice(reg, dev.deviceCode).catch((e: unknown) => e);
    expect(pending).toBeInstanceOf(AuthorizationPendingException);
    expect(pending).toMatchObject({ error: "authorization_pending", $metadata: { httpStatusCode: 400 } });
    expect(emu.oidc.pending()).toEqual([expect.objectContaining({ kind: "device", key: dev.userCode })]);

    emu.oidc.approve(dev.userCode!);
    emu.clock.advance(1000);
    const token = await pollDevice(reg, dev.deviceCode);
    expect(token).toMatchObject({ tokenType: "Bearer", expiresIn: 3600 });
    expect(token.accessToken).toMatch(/^aoa/);
    expect(token.refreshToken).toMatch(/^aor/);
    expect(emu.oidc.accessTokenValid(token.accessToken!)).toBe(true);
    await expect(pollDevice(reg, dev.deviceCode)).rejects.toBeInstanceOf(InvalidGrantException);
    expect(emu.oidc.createTokenCalls.device_code).toBe(3);
  });

  test("slow_down when polled faster than the interval, which then grows by 5 s", async () => {
    const reg = await register();
    const dev = await startDevice(reg);
    await expect(pollDevice(reg, dev.deviceCode)).rejects.toBeInstanceOf(AuthorizationPendingException);
    await expect(pollDevice(reg, dev.deviceCode)).rejects.toBeInstanceOf(SlowDownException);
    emu.clock.advance(1500);
    await expect(pollDevice(reg, dev.deviceCode)).rejects.toBeInstanceOf(SlowDownException);
    emu.clock.advance(11_000);
    await expect(pollDevice(reg, dev.deviceCode)).rejects.toBeInstanceOf(AuthorizationPendingException);
  });

  test("expired_token after deviceCodeTtlSeconds, access_denied after Deny", async () => {
    const reg = await register();
    const dev = await startDevice(reg);
    emu.clock.advance(601_000);
    await expect(pollDevice(reg, dev.deviceCode)).rejects.toBeInstanceOf(ExpiredTokenException);
    const dev2 = await startDevice(reg);
    emu.oidc.deny(dev2.userCode!);
    await expect(pollDevice(reg, dev2.deviceCode)).rejects.toBeInstanceOf(AccessDeniedException);
  });

  test("autoApprove approves on the first poll", async () => {
    emu.knobs.autoApprove = true;
    const reg = await register(["sso:account:access"]);
    const dev = await startDevice(reg);
    const token = await pollDevice(reg, dev.deviceCode);
    expect(token.accessToken).toBeTruthy();
  });

  test("no refresh token for clients registered without sso:account:access", async () => {
    const { token } = await deviceLogin(null);
    expect(token.accessToken).toBeTruthy();
    expect(token.refreshToken).toBeUndefined();
  });
});

describe("refresh", () => {
  test("rotates refresh tokens: the old one is refused after use", async () => {
    const { reg, token } = await deviceLogin();
    emu.oidc.resetCounts();
    const next = await refresh(reg, token.refreshToken);
    expect(next.accessToken).not.toBe(token.accessToken);
    expect(next.refreshToken).not.toBe(token.refreshToken);
    expect(emu.oidc.createTokenCalls.refresh_token).toBe(1);
    await expect(refresh(reg, token.refreshToken)).rejects.toBeInstanceOf(InvalidGrantException);
    await expect(refresh(reg, next.refreshToken)).resolves.toMatchObject({ tokenType: "Bearer" });
  });

  test("without rotation the same refresh token keeps working", async () => {
    emu.knobs.rotateRefreshTokens = false;
    const { reg, token } = await deviceLogin();
    const a = await refresh(reg, token.refreshToken);
    const b = await refresh(reg, token.refreshToken);
    expect(a.refreshToken).toBe(token.refreshToken);
    expect(b.accessToken).not.toBe(a.accessToken);
  });

  test("invalid_grant once the IdP session ends (clock), after endIdpSessions and after revocation", async () => {
    emu.knobs.idpSessionTtlSeconds = 7200;
    const first = await deviceLogin();
    emu.clock.advance(3600_000);
    const t1 = await refresh(first.reg, first.token.refreshToken);
    emu.clock.advance(3601_000);
    const err = await refresh(first.reg, t1.refreshToken).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidGrantException);
    expect(err).toMatchObject({ error: "invalid_grant", $metadata: { httpStatusCode: 400 } });

    const second = await deviceLogin();
    expect(emu.oidc.endIdpSessions()).toBe(1);
    await expect(refresh(second.reg, second.token.refreshToken)).rejects.toBeInstanceOf(InvalidGrantException);
    expect(emu.oidc.accessTokenValid(second.token.accessToken!)).toBe(false);

    const third = await deviceLogin();
    expect(emu.oidc.revokeRefreshTokens()).toBe(1);
    await expect(refresh(third.reg, third.token.refreshToken)).rejects.toBeInstanceOf(InvalidGrantException);
  });

  test("access tokens expire after accessTokenTtlSeconds on the emulator clock", async () => {
    emu.knobs.accessTokenTtlSeconds = 60;
    const { token } = await deviceLogin();
    expect(token.expiresIn).toBe(60);
    expect(emu.oidc.accessTokenValid(token.accessToken!)).toBe(true);
    emu.clock.advance(61_000);
    expect(emu.oidc.accessTokenValid(token.accessToken!)).toBe(false);
  });
});

describe("client and request errors", () => {
  test("invalid_client for unknown, wrong-secret and expired registrations (401)", async () => {
    const reg = await register();
    const bad = oidc.send(
      new StartDeviceAuthorizationCommand({ clientId: "nope", clientSecret: "nope", startUrl: START_URL }),
    );
    await expect(bad).rejects.toBeInstanceOf(InvalidClientException);
    await expect(startDevice({ ...reg, clientSecret: "x" })).rejects.toMatchObject({
      name: "InvalidClientException",
      $metadata: { httpStatusCode: 401 },
    });
    emu.clock.advance(91 * 24 * 3600 * 1000);
    await expect(startDevice(reg)).rejects.toBeInstanceOf(InvalidClientException);
  });

  test("invalid_request, unsupported_grant_type, invalid_scope", async () => {
    const reg = await register(["sso:account:access"]);
    await expect(pollDevice(reg, undefined)).rejects.toBeInstanceOf(InvalidRequestException);
    await expect(
      oidc.send(
        new CreateTokenCommand({ clientId: reg.clientId, clientSecret: reg.clientSecret, grantType: "password" }),
      ),
    ).rejects.toBeInstanceOf(UnsupportedGrantTypeException);
    const { token } = await deviceLogin();
    await expect(
      oidc.send(
        new CreateTokenCommand({
          clientId: emu.oidc.clients().at(-1)!.clientId,
          clientSecret: "wrong",
          grantType: "refresh_token",
          refreshToken: token.refreshToken,
        }),
      ),
    ).rejects.toBeInstanceOf(InvalidClientException);
    const seeded = emu.oidc.seedLogin();
    await expect(
      oidc.send(
        new CreateTokenCommand({
          clientId: seeded.clientId,
          clientSecret: seeded.clientSecret,
          grantType: "refresh_token",
          refreshToken: seeded.refreshToken,
          scope: ["codewhisperer:completions"],
        }),
      ),
    ).rejects.toBeInstanceOf(InvalidScopeException);
  });

  test("unauthorized_client for a grant the registration did not declare; invalid_client_metadata", async () => {
    const pkceOnly = await oidc.send(
      new RegisterClientCommand({
        clientName: "pkce-only",
        clientType: "public",
        grantTypes: ["authorization_code"],
        redirectUris: ["http://127.0.0.1/oauth/callback"],
        scopes: ["sso:account:access"],
      }),
    );
    await expect(startDevice(pkceOnly)).rejects.toBeInstanceOf(UnauthorizedClientException);
    await expect(
      oidc.send(new RegisterClientCommand({ clientName: "x", clientType: "confidential" })),
    ).rejects.toBeInstanceOf(InvalidClientMetadataException);
  });

  test("InternalServerException from a 5xx fault; the SDK retries a single one away", async () => {
    const reg = await register();
    emu.addFault({ service: "sso-oidc", operation: "StartDeviceAuthorization", times: 1, status: 500 });
    await expect(startDevice(reg)).rejects.toBeInstanceOf(InternalServerException);
    const retrying = new SSOOIDCClient({ region: "us-east-1", endpoint: emu.endpoints.ssoOidc, maxAttempts: 3 });
    emu.addFault({ service: "sso-oidc", operation: "StartDeviceAuthorization", times: 1, status: 500 });
    const dev = await retrying.send(
      new StartDeviceAuthorizationCommand({
        clientId: reg.clientId,
        clientSecret: reg.clientSecret,
        startUrl: START_URL,
      }),
    );
    expect(dev.userCode).toBeTruthy();
    retrying.destroy();
    expect(emu.log.filter((e) => e.fault).map((e) => e.status)).toEqual([500, 500]);
  });

  test("oidcDelayMs slows every OIDC call", async () => {
    emu.knobs.oidcDelayMs = 300;
    const started = Date.now();
    await register();
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  test("the request log never holds a secret", async () => {
    const { reg, token } = await deviceLogin();
    await refresh(reg, token.refreshToken);
    const logged = JSON.stringify(emu.log);
    for (const secret of [reg.clientSecret!, token.accessToken!, token.refreshToken!]) {
      expect(logged).not.toContain(secret);
    }
    expect(logged).toContain("<redacted>");
  });
});

describe("authorization code + PKCE", () => {
  const CALLBACK = "http://127.0.0.1/oauth/callback";

  async function registerPkce() {
    return oidc.send(
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
    const res = await fetch(`${emu.url}/authorize`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ request_id: requestId, decision }).toString(),
    });
    expect(res.status).toBe(302);
    return new URL(res.headers.get("location")!);
  }

  const exchange = (reg: RegisterClientCommandOutput, code: string, redirectUri: string, codeVerifier: string) =>
    oidc.send(
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
    const url = authorizeUrl(emu.url, { clientId: reg.clientId!, redirectUri, challenge, state: "st-1" });
    const back = await browse(url);
    expect(emu.oidc.lastAuthorize).toMatchObject({ url, params: { state: "st-1", scopes: "sso:account:access" } });
    expect(`${back.origin}${back.pathname}`).toBe(redirectUri);
    expect(back.searchParams.get("state")).toBe("st-1");
    const code = back.searchParams.get("code")!;
    await expect(exchange(reg, code, redirectUri, pkcePair().verifier)).rejects.toBeInstanceOf(InvalidGrantException);
    // The failed attempt spent the code: it is single-use.
    await expect(exchange(reg, code, redirectUri, verifier)).rejects.toBeInstanceOf(InvalidGrantException);

    const again = await browse(
      authorizeUrl(emu.url, { clientId: reg.clientId!, redirectUri, challenge, state: "st-2" }),
    );
    const token = await exchange(reg, again.searchParams.get("code")!, redirectUri, verifier);
    expect(token.refreshToken).toBeTruthy();
    expect(emu.oidc.createTokenCalls.authorization_code).toBe(3);
  });

  test("redirect_uri must be identical to the authorize request; codes are short-lived; reuse revokes", async () => {
    const reg = await registerPkce();
    const { verifier, challenge } = pkcePair();
    const redirectUri = "http://127.0.0.1:40000/oauth/callback";
    const code1 = (
      await browse(authorizeUrl(emu.url, { clientId: reg.clientId!, redirectUri, challenge }))
    ).searchParams.get("code")!;
    await expect(exchange(reg, code1, "http://127.0.0.1:40001/oauth/callback", verifier)).rejects.toBeInstanceOf(
      InvalidGrantException,
    );
    const code2 = (
      await browse(authorizeUrl(emu.url, { clientId: reg.clientId!, redirectUri, challenge }))
    ).searchParams.get("code")!;
    emu.clock.advance(301_000);
    await expect(exchange(reg, code2, redirectUri, verifier)).rejects.toBeInstanceOf(ExpiredTokenException);
    const code3 = (
      await browse(authorizeUrl(emu.url, { clientId: reg.clientId!, redirectUri, challenge }))
    ).searchParams.get("code")!;
    const token = await exchange(reg, code3, redirectUri, verifier);
    await expect(exchange(reg, code3, redirectUri, verifier)).rejects.toBeInstanceOf(InvalidGrantException);
    expect(emu.oidc.accessTokenValid(token.accessToken!)).toBe(false);
  });

  test("Deny redirects with error=access_denied; approve() by state works without a click", async () => {
    const reg = await registerPkce();
    const { challenge } = pkcePair();
    const redirectUri = "http://127.0.0.1:40000/oauth/callback";
    const denied = await browse(
      authorizeUrl(emu.url, { clientId: reg.clientId!, redirectUri, challenge, state: "s" }),
      "deny",
    );
    expect(Object.fromEntries(denied.searchParams)).toMatchObject({ error: "access_denied", state: "s" });

    const res = await fetch(authorizeUrl(emu.url, { clientId: reg.clientId!, redirectUri, challenge, state: "s2" }));
    expect(res.status).toBe(200);
    expect(emu.oidc.pending()).toEqual([expect.objectContaining({ kind: "authorize", key: "s2", redirectUri })]);
    const decision = emu.oidc.approve("s2");
    expect(decision.kind === "authorize" && new URL(decision.location).searchParams.get("state")).toBe("s2");
    expect(emu.oidc.pending()).toEqual([]);
  });

  test("a consent page left open longer than 600 s can no longer be decided", async () => {
    const reg = await registerPkce();
    const { challenge } = pkcePair();
    const redirectUri = "http://127.0.0.1:40000/oauth/callback";
    const html = await (
      await fetch(authorizeUrl(emu.url, { clientId: reg.clientId!, redirectUri, challenge, state: "old" }))
    ).text();
    const requestId = /name="request_id" value="([^"]+)"/.exec(html)![1];
    emu.clock.advance(601_000);
    expect(emu.oidc.pending()).toEqual([]);
    expect(() => emu.oidc.approve("old")).toThrow(/no pending authorization/);
    const res = await fetch(`${emu.url}/authorize`, {
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
    const evil = authorizeUrl(emu.url, { clientId: reg.clientId!, redirectUri: "http://127.0.0.1:1/evil", challenge });
    const res = await fetch(evil, { redirect: "manual" });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("invalid_redirect_uri");

    emu.knobs.autoApprove = true;
    const redirectUri = "http://127.0.0.1:40000/oauth/callback";
    const auto = await fetch(authorizeUrl(emu.url, { clientId: reg.clientId!, redirectUri, challenge, state: "a" }), {
      redirect: "manual",
    });
    expect(auto.status).toBe(302);
    expect(new URL(auto.headers.get("location")!).searchParams.get("code")).toBeTruthy();
    const noChallenge = await fetch(
      `${emu.url}/authorize?response_type=code&client_id=${reg.clientId}&redirect_uri=${encodeURIComponent(redirectUri)}&state=z`,
      { redirect: "manual" },
    );
    expect(new URL(noChallenge.headers.get("location")!).searchParams.get("error")).toBe("invalid_request");
  });
});
