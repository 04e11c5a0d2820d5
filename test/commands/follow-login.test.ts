// Authenticate Profile follows a browser login for the login's own window (10 minutes of MFA), not a shorter guess:
// driven on Jest's fake clock against a login that stays alive and waiting for the browser.
import { loadAwsConfig, type SsoSessionGroup } from "../../src/lib/aws";
import { followLogin, type LoginOutcome } from "../../src/commands/auth/follow-login";
import { LOGIN_TIMEOUT_MS } from "../../src/lib/sso/login";
import { writeLoginProgress } from "../../src/lib/sso/login/state";
import { makeHome, type TestHome } from "./fixtures";

const POLL_MS = 10_000;
let home: TestHome;
let group: SsoSessionGroup;

beforeEach(async () => {
  home = makeHome();
  group = (await loadAwsConfig({ env: home.env })).groups[0];
  // Real I/O (the progress file) keeps running; only timers and Date are the test's.
  jest.useFakeTimers({ doNotFake: ["setImmediate", "nextTick", "queueMicrotask"] });
});
afterEach(() => {
  jest.useRealTimers();
  home.cleanup();
});

/** Lets the follower finish its file read and schedule its next poll (or settle), without moving the clock. */
async function pollScheduled(settled: () => boolean) {
  while (!settled() && jest.getTimerCount() === 0) await new Promise((r) => setImmediate(r));
}

it("keeps following a live login past 5 and 9 minutes, and gives up with a clear message after its window", async () => {
  const start = Date.now();
  await writeLoginProgress(home.env, group, {
    status: "waiting-for-browser",
    pid: process.pid,
    sessionKey: group.tokenCacheKey,
    method: "pkce",
    startedAt: new Date(start).toISOString(),
    updatedAt: new Date(start).toISOString(),
    authorizeUrl: "https://portal/authorize",
  });
  const alive = jest.fn(async () => true);
  let outcome: LoginOutcome | undefined;
  // No timeoutMs: the default is what a user gets.
  void followLogin(home.env, group, {
    since: start,
    workerPid: process.pid,
    isAlive: alive,
    pollMs: POLL_MS,
    livenessMs: POLL_MS,
  }).then((o) => (outcome = o));

  const runUntil = async (elapsedMs: number) => {
    for (;;) {
      await pollScheduled(() => outcome !== undefined);
      if (outcome || Date.now() - start >= elapsedMs) return;
      jest.advanceTimersToNextTimer();
    }
  };

  await runUntil(9 * 60_000);
  expect(outcome).toBeUndefined();
  const checks = alive.mock.calls.length;
  expect(checks).toBeGreaterThanOrEqual(50); // it kept looking at the worker the whole time

  await runUntil(LOGIN_TIMEOUT_MS);
  expect(outcome).toBeUndefined(); // the login itself may still finish at the end of its window
  expect(alive.mock.calls.length).toBeGreaterThan(checks);

  await runUntil(LOGIN_TIMEOUT_MS + 2 * 60_000);
  expect(outcome).toEqual({
    status: "timed-out",
    error: "The sign-in was not finished in time. Start it again when you are ready.",
  });
  expect(Date.now() - start).toBeGreaterThan(LOGIN_TIMEOUT_MS);
  expect(Date.now() - start).toBeLessThanOrEqual(LOGIN_TIMEOUT_MS + 60_000);
});
