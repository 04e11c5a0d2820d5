// The menu-bar badge means "only you can fix this" (issue 9 item 8): a profile whose token expired while IAM Identity
// Center was down, and that the refresh is still retrying, shows as refreshing, not as a sign-in to do.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { buildMenuModel } from "../../src/commands/menu/menu-model";
import { loadAwsConfig } from "../../src/lib/aws";
import { SessionStatusStore, tokenFingerprint, tokenStatusForProfiles } from "../../src/lib/sso/session-status";
import { writeToken } from "../../src/lib/sso/token-cache";
import { makeHome, type TestHome } from "./fixtures";

const NOW = Date.parse("2026-01-01T12:00:00Z");
const def = {
  id: "t-db",
  name: "db",
  profile: "dev",
  target: "i-0123abcd",
  remotePort: 5432,
  localPort: 15432,
  bindAddress: "127.0.0.1",
  autoReconnect: true,
};

let home: TestHome;
beforeEach(() => {
  home = makeHome();
});
afterEach(() => home.cleanup());

async function profilesAfterOutage(failure: "transient" | "refused") {
  const config = await loadAwsConfig({ env: home.env });
  const group = config.groups[0];
  mkdirSync(join(home.env.HOME, ".aws", "sso", "cache"), { recursive: true });
  await writeToken(group.tokenCacheFile, {
    accessToken: "aoa-old",
    expiresAt: new Date(NOW - 3 * 60_000).toISOString(),
    clientId: "c",
    clientSecret: "s",
    refreshToken: "aor",
    registrationExpiresAt: new Date(NOW + 30 * 86_400_000).toISOString(),
  });
  const at = NOW - 20_000;
  const message =
    failure === "transient"
      ? "IAM Identity Center is temporarily unavailable (InternalServerException). Retrying."
      : "Your SSO session is no longer valid (InvalidGrantException).";
  await new SessionStatusStore(home.env).update(group.tokenCacheKey, () =>
    failure === "transient"
      ? { failures: 3, lastAttemptAt: at, nextAttemptAt: at + 4 * 60_000, lastError: { kind: failure, message, at } }
      : { failures: 0, lastAttemptAt: at, authRequired: { reason: message, fingerprint: fingerprintOf(), at } },
  );
  return tokenStatusForProfiles(await loadAwsConfig({ env: home.env }), home.env, NOW);
}

/** A refusal sticks to the very token it was about. */
function fingerprintOf(): string {
  return tokenFingerprint({ accessToken: "aoa-old", refreshToken: "aor", expiresAt: "" });
}

it("an expired token the refresh keeps retrying: no badge, shown as refreshing", async () => {
  const profiles = await profilesAfterOutage("transient");
  const dev = profiles.find((p) => p.profile === "dev")!;
  expect(dev).toMatchObject({ state: "expired", refreshPending: true, tunnelUsable: false });
  const model = buildMenuModel([{ definition: def, state: { status: "connected" } }], profiles, NOW);
  expect(model.tone).not.toBe("warning");
  const item = model.sections.find((s) => s.key === "profiles")?.items[0];
  expect(item).toMatchObject({ title: "dev", tone: "busy", subtitle: "Expired · refreshing" });
});

// The badge stands only for running tunnels (issue 8): these run, so only the token decides.
const running = { status: "connected" as const };

it("a refresh refused for this token still raises the badge", async () => {
  const profiles = await profilesAfterOutage("refused");
  expect(profiles.find((p) => p.profile === "dev")).toMatchObject({ state: "auth-required", refreshPending: false });
  expect(buildMenuModel([{ definition: def, state: running }], profiles, NOW).tone).toBe("warning");
});

it("an expired token nobody can refresh (no refresh token) still raises the badge", () => {
  const model = buildMenuModel(
    [{ definition: def, state: running }],
    [{ profile: "dev", state: "expired", refreshPending: false }],
    NOW,
  );
  expect(model.tone).toBe("warning");
});
