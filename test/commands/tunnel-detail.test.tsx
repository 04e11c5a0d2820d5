// Connect Tunnel's Show Details: route, addresses, session, since, traffic, the token and the SSO session, why a
// tunnel failed, and its last log lines.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { find, findAll, interact, waitFor } from "../raycast/render";
import { logPath, readState, writeState } from "../../src/lib/tunnels/state";
import type { TestHome } from "./fixtures";
import { listWorld } from "./tunnel-list-world";
import { actionsOf, itemOf, run } from "./tunnel-list-helpers";
import { cliLogin, corpCacheFile, MIN } from "./mirror-helpers";
import { SessionStatusStore, tokenFingerprint } from "../../src/lib/sso/session-status";

const { w, renderList, tunnelIn } = listWorld();
let home: TestHome;
let env: Record<string, string>;
beforeEach(() => {
  ({ home, env } = w);
});

/** The state file says the tunnel has been in its status since `at`. */
function connectedSince(at: number, id: string) {
  writeState(env, { ...readState(env, id)!, since: new Date(at).toISOString() });
}

/** A time as the details pane shows it. */
const shown = (ms: number) => new Date(ms).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });

function detailLabels(view: Awaited<ReturnType<typeof renderList>>, name: string): Record<string, unknown> {
  const detail = find(itemOf(view, name), "List.Item.Detail");
  return Object.fromEntries(
    findAll(detail, "List.Item.Detail.Metadata.Label").map((l) => [l.props.title, l.props.text]),
  );
}

describe("Show Details", () => {
  it("Show Details shows route, addresses, session, since, traffic, sign-in and the last log lines", async () => {
    const token = cliLogin(await corpCacheFile(home));
    await tunnelIn("connected", "db", {
      sessionId: "dev-0123456789abcdef0",
      localAddress: "127.0.0.1:15432",
      bytesIn: 2048,
      bytesOut: 512,
      connections: 3,
      activeConnections: 1,
      sessions: [
        {
          slot: 1,
          status: "connected",
          sessionId: "s1",
          activeConnections: 1,
          connections: 2,
          bytesIn: 2048,
          bytesOut: 512,
        },
        {
          slot: 2,
          status: "waiting",
          activeConnections: 0,
          connections: 1,
          bytesIn: 0,
          bytesOut: 0,
          lastError: "ThrottlingException",
        },
      ],
    });
    const since = Date.now() - 3 * 3600_000;
    connectedSince(since, "t-db");
    mkdirSync(join(env.STORMTUNNEL_HOME, "logs"), { recursive: true });
    writeFileSync(logPath(env, "t-db"), "2026-01-01T00:00:00Z starting\n2026-01-01T00:00:01Z connected\n");
    const view = await renderList();
    expect(find(view.root, "List").props.isShowingDetail).toBe(false);
    await interact(() => run(view, "db", "Show Details")());
    expect(find(view.root, "List").props.isShowingDetail).toBe(true);
    await waitFor(() => !find(itemOf(view, "db"), "List.Item.Detail").props.isLoading, "the log");
    const detail = find(itemOf(view, "db"), "List.Item.Detail");
    const labels = detailLabels(view, "db");
    expect(labels).toMatchObject({
      "Connected Since": shown(since),
      "Token Valid Until": shown(Date.parse(token.expiresAt)),
      Route: "i-0123abcd:5432",
      "Local Address": "127.0.0.1:15432",
      Profile: "dev",
      "Session ID": "dev-0123456789abcdef0",
      "Bytes In / Out": "2.0 KB / 512 B",
      "Open Connections": "1 (3 in total)",
      "Sign-In": "renews automatically",
      "Session 1": "connected · s1 · 1 open · 2.0 KB / 512 B",
      "Session 2": "waiting · 0 open · 0 B / 0 B · ThrottlingException",
    });
    expect(labels).not.toHaveProperty("SSO Session Ends At"); // not known until a refresh was refused
    expect(detail.props.markdown).toContain("2026-01-01T00:00:01Z connected");
    expect(actionsOf(view, "db")).toContain("Hide Details");
  });

  it("Show Details of a failed tunnel says why, and when the SSO session ends once that is known", async () => {
    const token = cliLogin(await corpCacheFile(home), 50 * MIN);
    const sessionEnd = Date.parse(token.expiresAt);
    // A refresh refused for this token (InvalidGrant): the session ends when the token does.
    await new SessionStatusStore(env).update("corp", () => ({
      failures: 0,
      lastAttemptAt: Date.now(),
      authRequired: {
        reason: "Your SSO session is no longer valid",
        fingerprint: tokenFingerprint(token),
        at: Date.now(),
        idpSessionEnd: sessionEnd,
      },
    }));
    const refused = "The instance could not connect to orders-db.internal:5432: Connection refused";
    await tunnelIn("error", "rds", { lastError: refused });
    await tunnelIn("reconnecting", "cache", { lastError: "connection to Session Manager lost; resuming" });
    const since = Date.now() - 25 * MIN;
    connectedSince(since, "t-rds");
    const view = await renderList();
    await interact(() => run(view, "rds", "Show Details")());
    expect(detailLabels(view, "rds")).toMatchObject({
      Reason: refused,
      "Failed Since": shown(since),
      "Token Valid Until": shown(sessionEnd),
      "SSO Session Ends At": shown(sessionEnd),
    });
    expect(detailLabels(view, "cache")).toMatchObject({ "Last Error": "connection to Session Manager lost; resuming" });
  });
});
