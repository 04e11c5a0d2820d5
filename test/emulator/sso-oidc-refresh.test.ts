// The OIDC emulator driven by the real AWS SDK v3 client: refresh tokens, and the errors for bad clients and requests.
import {
  CreateTokenCommand,
  InternalServerException,
  InvalidClientException,
  InvalidClientMetadataException,
  InvalidGrantException,
  InvalidRequestException,
  InvalidScopeException,
  RegisterClientCommand,
  SSOOIDCClient,
  StartDeviceAuthorizationCommand,
  UnauthorizedClientException,
  UnsupportedGrantTypeException,
} from "@aws-sdk/client-sso-oidc";
import { START_URL, useOidcHarness } from "./support/oidc";

const { h, register, startDevice, pollDevice, refresh, deviceLogin } = useOidcHarness();

describe("refresh", () => {
  test("rotates refresh tokens: the old one is refused after use", async () => {
    const { reg, token } = await deviceLogin();
    h.emu.oidc.resetCounts();
    const next = await refresh(reg, token.refreshToken);
    expect(next.accessToken).not.toBe(token.accessToken);
    expect(next.refreshToken).not.toBe(token.refreshToken);
    expect(h.emu.oidc.createTokenCalls.refresh_token).toBe(1);
    await expect(refresh(reg, token.refreshToken)).rejects.toBeInstanceOf(InvalidGrantException);
    await expect(refresh(reg, next.refreshToken)).resolves.toMatchObject({ tokenType: "Bearer" });
  });

  test("without rotation the same refresh token keeps working", async () => {
    h.emu.knobs.rotateRefreshTokens = false;
    const { reg, token } = await deviceLogin();
    const a = await refresh(reg, token.refreshToken);
    const b = await refresh(reg, token.refreshToken);
    expect(a.refreshToken).toBe(token.refreshToken);
    expect(b.accessToken).not.toBe(a.accessToken);
  });

  test("invalid_grant once the IdP session ends (clock), after endIdpSessions and after revocation", async () => {
    h.emu.knobs.idpSessionTtlSeconds = 7200;
    const first = await deviceLogin();
    h.emu.clock.advance(3600_000);
    const t1 = await refresh(first.reg, first.token.refreshToken);
    h.emu.clock.advance(3601_000);
    const err = await refresh(first.reg, t1.refreshToken).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidGrantException);
    expect(err).toMatchObject({ error: "invalid_grant", $metadata: { httpStatusCode: 400 } });

    const second = await deviceLogin();
    expect(h.emu.oidc.endIdpSessions()).toBe(1);
    await expect(refresh(second.reg, second.token.refreshToken)).rejects.toBeInstanceOf(InvalidGrantException);
    expect(h.emu.oidc.accessTokenValid(second.token.accessToken!)).toBe(false);

    const third = await deviceLogin();
    expect(h.emu.oidc.revokeRefreshTokens()).toBe(1);
    await expect(refresh(third.reg, third.token.refreshToken)).rejects.toBeInstanceOf(InvalidGrantException);
  });

  test("access tokens expire after accessTokenTtlSeconds on the emulator clock", async () => {
    h.emu.knobs.accessTokenTtlSeconds = 60;
    const { token } = await deviceLogin();
    expect(token.expiresIn).toBe(60);
    expect(h.emu.oidc.accessTokenValid(token.accessToken!)).toBe(true);
    h.emu.clock.advance(61_000);
    expect(h.emu.oidc.accessTokenValid(token.accessToken!)).toBe(false);
  });
});

describe("client and request errors", () => {
  test("invalid_client for unknown, wrong-secret and expired registrations (401)", async () => {
    const reg = await register();
    const bad = h.oidc.send(
      new StartDeviceAuthorizationCommand({ clientId: "nope", clientSecret: "nope", startUrl: START_URL }),
    );
    await expect(bad).rejects.toBeInstanceOf(InvalidClientException);
    await expect(startDevice({ ...reg, clientSecret: "x" })).rejects.toMatchObject({
      name: "InvalidClientException",
      $metadata: { httpStatusCode: 401 },
    });
    h.emu.clock.advance(91 * 24 * 3600 * 1000);
    await expect(startDevice(reg)).rejects.toBeInstanceOf(InvalidClientException);
  });

  test("invalid_request, unsupported_grant_type, invalid_scope", async () => {
    const reg = await register(["sso:account:access"]);
    await expect(pollDevice(reg, undefined)).rejects.toBeInstanceOf(InvalidRequestException);
    await expect(
      h.oidc.send(
        new CreateTokenCommand({ clientId: reg.clientId, clientSecret: reg.clientSecret, grantType: "password" }),
      ),
    ).rejects.toBeInstanceOf(UnsupportedGrantTypeException);
    const { token } = await deviceLogin();
    await expect(
      h.oidc.send(
        new CreateTokenCommand({
          clientId: h.emu.oidc.clients().at(-1)!.clientId,
          clientSecret: "wrong",
          grantType: "refresh_token",
          refreshToken: token.refreshToken,
        }),
      ),
    ).rejects.toBeInstanceOf(InvalidClientException);
    const seeded = h.emu.oidc.seedLogin();
    await expect(
      h.oidc.send(
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
    const pkceOnly = await h.oidc.send(
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
      h.oidc.send(new RegisterClientCommand({ clientName: "x", clientType: "confidential" })),
    ).rejects.toBeInstanceOf(InvalidClientMetadataException);
  });

  test("InternalServerException from a 5xx fault; the SDK retries a single one away", async () => {
    const reg = await register();
    h.emu.addFault({ service: "sso-oidc", operation: "StartDeviceAuthorization", times: 1, status: 500 });
    await expect(startDevice(reg)).rejects.toBeInstanceOf(InternalServerException);
    const retrying = new SSOOIDCClient({ region: "us-east-1", endpoint: h.emu.endpoints.ssoOidc, maxAttempts: 3 });
    h.emu.addFault({ service: "sso-oidc", operation: "StartDeviceAuthorization", times: 1, status: 500 });
    const dev = await retrying.send(
      new StartDeviceAuthorizationCommand({
        clientId: reg.clientId,
        clientSecret: reg.clientSecret,
        startUrl: START_URL,
      }),
    );
    expect(dev.userCode).toBeTruthy();
    retrying.destroy();
    expect(h.emu.log.filter((e) => e.fault).map((e) => e.status)).toEqual([500, 500]);
  });

  test("oidcDelayMs slows every OIDC call", async () => {
    h.emu.knobs.oidcDelayMs = 300;
    const started = Date.now();
    await register();
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  test("the request log never holds a secret", async () => {
    const { reg, token } = await deviceLogin();
    await refresh(reg, token.refreshToken);
    const logged = JSON.stringify(h.emu.log);
    for (const secret of [reg.clientSecret!, token.accessToken!, token.refreshToken!]) {
      expect(logged).not.toContain(secret);
    }
    expect(logged).toContain("<redacted>");
  });
});
