// Who can make a tunnel's token usable again (issue 9 items 7, 8): the user (sign in — the badge) or time (the
// refresh spacing, an outage — waited out without a browser and without the badge).
import type { SsoSessionGroup } from "../../src/lib/aws";
import type { SessionCheck } from "../../src/lib/sso/refresh-runner";
import { describeServiceWait, tokenWait } from "../../src/lib/tunnels/worker/token-wait";

const NOW = Date.UTC(2026, 0, 2, 3, 0, 0);
const group = { tokenCacheKey: "corp" } as SsoSessionGroup;
const token = { accessToken: "aoa", expiresAt: "2026-01-02T02:59:00Z" };

function check(over: Partial<SessionCheck>): SessionCheck {
  return { group, state: "expired", token, tunnelUsable: false, refreshPending: false, ...over };
}

test("a usable token needs no wait, unless AWS rejected it", () => {
  expect(tokenWait(check({ state: "valid", tunnelUsable: true }))).toBeUndefined();
  expect(tokenWait(check({ state: "valid", tunnelUsable: true }), true)).toMatchObject({ who: "user" });
});

test("expired but refreshable: the spacing or a failing service is waited out, not the user's job", () => {
  const spacing = tokenWait(
    check({ refreshPending: true, retryAt: NOW + 42_000, reason: "refreshed less than a minute ago" }),
  );
  expect(spacing).toMatchObject({ who: "service", retryAt: NOW + 42_000 });
  const outage = tokenWait(
    check({
      refreshPending: true,
      retryAt: NOW + 60_000,
      reason: "waiting before retrying a failed refresh",
      lastFailure: "IAM Identity Center is temporarily unavailable (InternalServerException). Retrying.",
    }),
  );
  expect(outage).toEqual({
    who: "service",
    reason: "IAM Identity Center is temporarily unavailable (InternalServerException). Retrying.",
    retryAt: NOW + 60_000,
  });
  expect(describeServiceWait(outage as never, NOW)).toBe(
    "IAM Identity Center is temporarily unavailable (InternalServerException); refreshing the SSO token again in 60 s",
  );
  expect(tokenWait(check({ state: "refreshing", refreshPending: true }))).toMatchObject({
    who: "service",
    reason: expect.stringMatching(/another StormTunnel process is refreshing/),
  });
});

test("refused, signed out, not refreshable or auto-refresh off: only a sign-in helps", () => {
  expect(tokenWait(check({ state: "auth-required", reason: "Your SSO session is no longer valid" }))).toEqual({
    who: "user",
    reason: "Your SSO session is no longer valid",
  });
  expect(tokenWait(check({ state: "signed-out", token: undefined }))).toEqual({ who: "user", reason: "not signed in" });
  expect(tokenWait(check({ reason: "the cached token has no refresh token or client registration" }))).toMatchObject({
    who: "user",
  });
  expect(tokenWait(check({ reason: "automatic refresh is turned off" }))).toMatchObject({ who: "user" });
  // A refresh still pending elsewhere does not hide a refusal recorded for this very token.
  expect(tokenWait(check({ state: "auth-required", refreshPending: true }))).toMatchObject({ who: "user" });
});
