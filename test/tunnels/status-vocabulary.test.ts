// The one status vocabulary: every state a worker writes lands in exactly one group with a label, a tone and the
// right "can Stop" / "needs the user" answers.
import { GROUP_ORDER, groupTunnels, statusView } from "../../src/lib/tunnels/status-vocabulary";
import type { TunnelStatus } from "../../src/lib/tunnels/state";

describe("statusView", () => {
  it.each<[TunnelStatus | undefined, string | undefined, string, string, boolean, boolean]>([
    [undefined, undefined, "stopped", "Not Connected", false, false],
    ["stopped", undefined, "stopped", "Stopped", false, false],
    ["stopped", "the tunnel's worker (pid 9) ended unexpectedly", "failed", "Ended", false, false],
    ["starting", undefined, "connecting", "Connecting", true, false],
    ["connecting", undefined, "connecting", "Connecting", true, false],
    ["authenticating", undefined, "connecting", "Signing In", true, false],
    ["reconnecting", "connection to Session Manager lost; resuming", "connecting", "Reconnecting", true, false],
    ["connected", undefined, "connected", "Connected", true, false],
    ["connected", "The instance could not connect to db.internal:5432: refused", "connected", "Connected", true, false],
    ["auth-required", "Sign-in needed: token expired", "needs-sign-in", "Sign-In Needed", true, true],
    ["error", "The instance could not connect to db:5432", "failed", "Failed", true, false],
  ])("%s (%s) → %s / %s, live %s, needs the user %s", (status, lastError, group, label, live, needsUser) => {
    const view = statusView(status ? { status, lastError } : undefined);
    expect([view.group, view.label, view.live, view.needsUser]).toEqual([group, label, live, needsUser]);
    if (lastError && status !== "reconnecting") expect(view.reason).toBe(lastError);
  });

  it("a tunnel waiting for sign-in whose profile is signed in again reads as reconnecting, without the badge", () => {
    const view = statusView({ status: "auth-required" }, { signedIn: true });
    expect([view.group, view.label, view.needsUser, view.live]).toEqual(["connecting", "Reconnecting", false, true]);
  });

  it("a status it does not know (a newer worker) is shown by name and can be stopped", () => {
    const view = statusView({ status: "pool-draining" as TunnelStatus });
    expect([view.group, view.label, view.live]).toEqual(["connecting", "Pool Draining", true]);
  });
});

describe("groupTunnels", () => {
  it("orders groups as the views show them and sorts each by name", () => {
    const items = [
      { name: "web", status: "connected" as const },
      { name: "db", status: "auth-required" as const },
      { name: "api", status: "connected" as const },
      { name: "old", status: undefined },
    ];
    const groups = groupTunnels(
      items,
      (i) => statusView(i.status ? { status: i.status } : undefined),
      (i) => i.name,
    );
    expect(groups.map((g) => [g.title, g.items.map((i) => i.name)])).toEqual([
      ["Needs Sign-In", ["db"]],
      ["Connected", ["api", "web"]],
      ["Stopped", ["old"]],
    ]);
    expect(GROUP_ORDER).toEqual(["needs-sign-in", "connected", "connecting", "failed", "stopped"]);
  });
});
