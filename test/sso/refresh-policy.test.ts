import fc from "fast-check";
import {
  BACKOFF_CAP_MS,
  backoffMs,
  decide,
  type AttemptHistory,
  type PolicyInput,
  type TokenFacts,
} from "../../src/lib/sso/refresh-policy";

const NOW = Date.UTC(2026, 0, 2, 3, 0, 0);
const MIN = 60_000;
const settings = { autoRefresh: true, refreshThresholdMs: 5 * MIN };

function token(over: Partial<TokenFacts> = {}): TokenFacts {
  return {
    expiresAt: NOW + 60 * MIN,
    hasRefreshData: true,
    registrationExpiresAt: NOW + 90 * 24 * 60 * MIN,
    fingerprint: "fp1",
    ...over,
  };
}

function input(over: Partial<PolicyInput> & { tok?: Partial<TokenFacts>; hist?: AttemptHistory } = {}): PolicyInput {
  const { tok, hist, ...rest } = over;
  return {
    now: NOW,
    settings,
    sessionCanRefresh: true,
    cache: { state: "ok", token: token(tok) },
    history: hist,
    ...rest,
  };
}

const authRecord = { reason: "invalid_grant", fingerprint: "fp1", at: NOW - MIN };

describe("refresh policy", () => {
  test.each<[string, PolicyInput, { state: string; refresh: boolean; reason?: RegExp }]>([
    ["no cache file", input({ cache: { state: "missing" } }), { state: "signed-out", refresh: false }],
    [
      "corrupt cache file",
      input({ cache: { state: "corrupt", reason: "not valid JSON" } }),
      { state: "auth-required", refresh: false, reason: /unreadable \(not valid JSON\)/ },
    ],
    ["60 min left", input(), { state: "valid", refresh: false }],
    ["5 min + 1 ms left", input({ tok: { expiresAt: NOW + 5 * MIN + 1 } }), { state: "valid", refresh: false }],
    ["exactly 5 min left", input({ tok: { expiresAt: NOW + 5 * MIN } }), { state: "expiring", refresh: true }],
    ["2 min left", input({ tok: { expiresAt: NOW + 2 * MIN } }), { state: "expiring", refresh: true }],
    [
      "expired, refresh token still there",
      input({ tok: { expiresAt: NOW - MIN } }),
      { state: "expired", refresh: true },
    ],
    [
      "threshold 20 min, 15 min left",
      input({ settings: { autoRefresh: true, refreshThresholdMs: 20 * MIN }, tok: { expiresAt: NOW + 15 * MIN } }),
      { state: "expiring", refresh: true },
    ],
    [
      "auto-refresh off",
      input({ settings: { ...settings, autoRefresh: false }, tok: { expiresAt: NOW + MIN } }),
      { state: "expiring", refresh: false, reason: /turned off/ },
    ],
    [
      "auto-refresh off but forced",
      input({ settings: { ...settings, autoRefresh: false }, force: true }),
      { state: "valid", refresh: true },
    ],
    [
      "refresh in flight",
      input({ inFlight: true, tok: { expiresAt: NOW + MIN } }),
      { state: "refreshing", refresh: false },
    ],
    [
      "scopes without sso:account:access, expiring",
      input({ sessionCanRefresh: false, tok: { expiresAt: NOW + MIN } }),
      { state: "expiring", refresh: false, reason: /lack sso:account:access/ },
    ],
    [
      "scopes without sso:account:access, expired",
      input({ sessionCanRefresh: false, tok: { expiresAt: NOW - 1 } }),
      { state: "expired", refresh: false },
    ],
    [
      "no refresh token (an AWS CLI legacy login): runs out, offers a StormTunnel sign-in, no badge",
      input({ tok: { expiresAt: NOW + MIN, hasRefreshData: false } }),
      { state: "expiring", refresh: false, reason: /no refresh token .* sign in with StormTunnel/ },
    ],
    [
      "no refresh token, expired",
      input({ tok: { expiresAt: NOW - 1, hasRefreshData: false } }),
      { state: "expired", refresh: false, reason: /sign in with StormTunnel/ },
    ],
    [
      "registration expired",
      input({ tok: { expiresAt: NOW + MIN, registrationExpiresAt: NOW - 1 } }),
      { state: "auth-required", refresh: false, reason: /registration has expired/ },
    ],
    [
      "registration expiry missing",
      input({ tok: { expiresAt: NOW + MIN, registrationExpiresAt: undefined } }),
      { state: "auth-required", refresh: false, reason: /no registration expiry/ },
    ],
    [
      "forced but cannot refresh",
      input({ sessionCanRefresh: false, force: true }),
      { state: "valid", refresh: false, reason: /cannot refresh/ },
    ],
    [
      "auth-required for this token, still valid",
      input({ hist: { failures: 0, authRequired: authRecord } }),
      { state: "auth-required", refresh: false, reason: /invalid_grant/ },
    ],
    [
      "auth-required for this token, expired",
      input({ hist: { failures: 0, authRequired: authRecord }, tok: { expiresAt: NOW - 1 } }),
      { state: "auth-required", refresh: false },
    ],
    [
      "auth-required recorded for an older token (re-login since)",
      input({ hist: { failures: 0, authRequired: { ...authRecord, fingerprint: "old" } } }),
      { state: "valid", refresh: false },
    ],
    [
      "in backoff after a failure",
      input({
        tok: { expiresAt: NOW + MIN },
        hist: { failures: 2, lastAttemptAt: NOW - MIN, nextAttemptAt: NOW + MIN },
      }),
      { state: "expiring", refresh: false, reason: /retrying a failed refresh/ },
    ],
    [
      "backoff elapsed",
      input({ tok: { expiresAt: NOW + MIN }, hist: { failures: 2, lastAttemptAt: NOW - 3 * MIN, nextAttemptAt: NOW } }),
      { state: "expiring", refresh: true },
    ],
    [
      "throttle: attempted 30 s ago",
      input({ tok: { expiresAt: NOW + MIN }, hist: { failures: 0, lastAttemptAt: NOW - 30_000 } }),
      { state: "expiring", refresh: false, reason: /less than a minute ago/ },
    ],
    [
      "forced during backoff",
      input({ force: true, hist: { failures: 3, lastAttemptAt: NOW - 1, nextAttemptAt: NOW + 10 * MIN } }),
      { state: "valid", refresh: true },
    ],
  ])("%s", (_name, inp, want) => {
    const d = decide(inp);
    expect(d.state).toBe(want.state);
    expect(d.refresh).toBe(want.refresh);
    if (want.reason) expect(d.reason).toMatch(want.reason);
  });

  test("backoff: 60 s doubling, capped at 15 min", () => {
    expect([0, 1, 2, 3, 4, 5, 6, 50].map(backoffMs)).toEqual([
      0,
      MIN,
      2 * MIN,
      4 * MIN,
      8 * MIN,
      15 * MIN,
      15 * MIN,
      15 * MIN,
    ]);
  });

  test("once the token has expired, a failing refresh is retried at most a minute apart, whatever the backoff", () => {
    const hist = { failures: 6, lastAttemptAt: NOW - 50_000, nextAttemptAt: NOW + 14 * MIN };
    const expired = decide(input({ tok: { expiresAt: NOW - 2 * MIN }, hist }));
    expect(expired).toMatchObject({ state: "expired", refresh: false, retryAt: NOW + 10_000 });
    expect(decide(input({ now: NOW + 10_000, tok: { expiresAt: NOW - 2 * MIN }, hist })).refresh).toBe(true);
    // While the token still works, the backoff stands: nobody is waiting on the refresh yet.
    const valid = decide(input({ tok: { expiresAt: NOW + 3 * MIN }, hist }));
    expect(valid).toMatchObject({ state: "expiring", refresh: false, retryAt: NOW + 14 * MIN });
  });

  test("retryAt is reported while waiting and never in the past", () => {
    const d = decide(
      input({ tok: { expiresAt: NOW + MIN }, hist: { failures: 1, lastAttemptAt: NOW, nextAttemptAt: NOW + MIN } }),
    );
    expect(d.retryAt).toBe(NOW + MIN);
  });

  test("property: never refreshes outside the window unless forced, and never a non-refreshable token", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -120, max: 120 }),
        fc.integer({ min: 1, max: 60 }),
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        (leftMin, thresholdMin, auto, canRefresh, hasData, force) => {
          const d = decide(
            input({
              settings: { autoRefresh: auto, refreshThresholdMs: thresholdMin * MIN },
              sessionCanRefresh: canRefresh,
              tok: { expiresAt: NOW + leftMin * MIN, hasRefreshData: hasData },
              force,
            }),
          );
          if (d.refresh) {
            expect(canRefresh && hasData).toBe(true);
            if (!force) expect(auto && leftMin <= thresholdMin).toBe(true);
          }
          expect(backoffMs(Math.abs(leftMin))).toBeLessThanOrEqual(BACKOFF_CAP_MS);
        },
      ),
    );
  });
});
