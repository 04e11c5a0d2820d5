// Error classes (§6.4) and the CLI registration file's name and reuse rules (§4.5).
import { basename } from "node:path";
import { registrationCacheFile, type SsoSessionGroup } from "../../src/lib/aws";
import { classifySsoError, SsoError } from "../../src/lib/sso/errors";
import { isReusableFor, registrationFileFor, type StoredRegistration } from "../../src/lib/sso/registration-cache";

function awsError(name: string, status: number, fault: "client" | "server" = "client") {
  return Object.assign(new Error("service says no"), { name, $fault: fault, $metadata: { httpStatusCode: status } });
}

describe("classifySsoError", () => {
  it.each([
    [awsError("InvalidGrantException", 400), "auth-required"],
    [awsError("InvalidClientException", 401), "auth-required"],
    [awsError("UnauthorizedException", 401), "auth-required"],
    [awsError("ExpiredTokenException", 400), "auth-required"],
    [awsError("SomethingNew", 401), "auth-required"],
    [awsError("InternalServerException", 500, "server"), "transient"],
    [awsError("SlowDownException", 400), "transient"],
    [awsError("TooManyRequestsException", 429), "transient"],
    [awsError("BadGateway", 502, "server"), "transient"],
    [Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" }), "transient"],
    [new Error("AWS SDK error wrapper for Error: getaddrinfo ENOTFOUND oidc.nowhere"), "transient"],
    [Object.assign(new Error("x"), { cause: Object.assign(new Error("y"), { code: "ETIMEDOUT" }) }), "transient"],
    [awsError("AccessDeniedException", 400), "permission"],
    [awsError("ForbiddenException", 403), "permission"],
    [awsError("InvalidRequestException", 400), "config"],
    [awsError("InvalidScopeException", 400), "config"],
    [Object.assign(new Error("aborted"), { name: "AbortError" }), "cancelled"],
    ["a string", "config"],
  ])("%p → %s", (err, kind) => {
    const e = classifySsoError(err);
    expect(e).toBeInstanceOf(SsoError);
    expect(e.kind).toBe(kind);
    expect(e.message.length).toBeGreaterThan(10);
  });

  it("passes SsoErrors through and never echoes token-shaped text", () => {
    const own = new SsoError("config", "x");
    expect(classifySsoError(own)).toBe(own);
    const leaky = classifySsoError(
      Object.assign(new Error("bad token aoaAAAABBBBCCCCDDDDEEEE"), { name: "InvalidRequestException" }),
    );
    expect(leaky.message).not.toContain("aoaAAAA");
  });
});

describe("registration file", () => {
  const group: SsoSessionGroup = {
    tokenCacheKey: "my-sso",
    tokenCacheFile: "/h/.aws/sso/cache/x.json",
    registrationCacheFile: "",
    startUrl: "https://d-0000000000.awsapps.com/start",
    ssoRegion: "us-east-1",
    sessionName: "my-sso",
    registrationScopes: ["sso:account:access"],
    canRefresh: true,
    profiles: ["p"],
  };

  it("uses the CLI's key (observed against the AWS CLI)", () => {
    expect(basename(registrationFileFor("/h", group))).toBe("dd27d7a8f5bd42763e31d01abbc7621d71ca85e6.json");
  });

  const now = Date.parse("2026-01-01T00:00:00Z");
  const reg = (expiresAt: string, grantTypes?: string[], scopes: string[] | null = ["sso:account:access"]) =>
    ({ clientId: "c", clientSecret: "s", expiresAt, grantTypes, scopes: scopes ?? undefined }) as StoredRegistration;

  it("reuses a registration unless it expires within 15 minutes", () => {
    expect(isReusableFor(reg("2026-01-01T00:16:00Z"), "device-code", now)).toBe(true);
    expect(isReusableFor(reg("2026-01-01T00:15:00Z"), "device-code", now)).toBe(false);
    expect(isReusableFor(reg("2025-12-31T00:00:00Z"), "device-code", now)).toBe(false);
  });

  it("PKCE needs an authorization_code registration; the device flow refuses one", () => {
    const pkce = reg("2026-03-01T00:00:00Z", ["authorization_code", "refresh_token"]);
    const device = reg("2026-03-01T00:00:00Z");
    expect(isReusableFor(pkce, "pkce", now)).toBe(true);
    expect(isReusableFor(pkce, "device-code", now)).toBe(false);
    expect(isReusableFor(device, "pkce", now)).toBe(false);
    expect(isReusableFor(device, "device-code", now)).toBe(true);
  });

  it("never reuses a scope-less registration (the CLI's device flow): its tokens have no refresh token", () => {
    expect(isReusableFor(reg("2026-03-01T00:00:00Z", undefined, null), "device-code", now)).toBe(false);
    expect(isReusableFor(reg("2026-03-01T00:00:00Z", undefined, []), "device-code", now)).toBe(false);
  });

  it("legacy profiles keep a scoped registration of their own, not the CLI's scope-less legacy file", () => {
    const legacy = { ...group, tokenCacheKey: group.startUrl, sessionName: undefined, registrationScopes: null };
    // The CLI's legacy key hashes "scopes": null, "session_name": null (sso-tokens.md §4.5).
    const cli = registrationCacheFile("/h", {
      startUrl: group.startUrl,
      region: "us-east-1",
      scopes: null,
      sessionName: null,
    });
    const ours = registrationFileFor("/h", legacy);
    expect(ours).not.toBe(cli);
    expect(ours).toBe(
      registrationCacheFile("/h", {
        startUrl: group.startUrl,
        region: "us-east-1",
        scopes: ["sso:account:access"],
        sessionName: null,
      }),
    );
  });
});
