import { buildMenuModel, type MenuTunnel } from "../../src/commands/menu/menu-model";
import type { TunnelDefinition } from "../../src/lib/tunnels/definition";

const NOW = Date.parse("2026-01-01T12:00:00Z");

function tunnel(name: string, profile = "dev", extra: Partial<TunnelDefinition> = {}): TunnelDefinition {
  return {
    id: `t-${name}`,
    name,
    profile,
    target: "i-0123abcd",
    remotePort: 5432,
    localPort: 15432,
    bindAddress: "127.0.0.1",
    autoReconnect: true,
    ...extra,
  };
}

const with_ = (def: TunnelDefinition, status?: string, more: Record<string, string> = {}): MenuTunnel => ({
  definition: def,
  state: status ? ({ status, ...more } as MenuTunnel["state"]) : undefined,
});

const titles = (model: ReturnType<typeof buildMenuModel>, key: string) =>
  model.sections.find((s) => s.key === key)?.items.map((i) => i.title);

describe("buildMenuModel", () => {
  it("with nothing saved: an idle icon, a 'No tunnels yet' row and a create entry", () => {
    const model = buildMenuModel([], [], NOW);
    expect(model.title).toBeUndefined();
    expect(model.tone).toBe("idle");
    expect(model.tooltip).toBe("StormTunnel: no tunnels");
    expect(model.sections[0].items).toEqual([{ key: "no-tunnels", title: "No tunnels yet", tone: "idle" }]);
    expect(model.sections[0].items[0].action).toBeUndefined();
    expect(titles(model, "footer")).toEqual(["Create Tunnel…", "Authenticate Profile…", "Preferences…"]);
  });

  it("counts connected tunnels in the title and offers Stop on each running one", () => {
    const model = buildMenuModel(
      [
        with_(tunnel("web"), "connected", { localAddress: "127.0.0.1:8080" }),
        with_(tunnel("db"), "connected"),
        with_(tunnel("cache")),
      ],
      [{ profile: "dev", state: "valid", expiresAt: NOW + 42 * 60_000 }],
      NOW,
    );
    expect(model.title).toBe("2");
    expect(model.tone).toBe("ok");
    expect(model.tooltip).toBe("StormTunnel: 2 connected");
    const [cache, db, web] = model.sections[0].items; // sorted by name
    expect(web).toMatchObject({
      title: "web",
      subtitle: "127.0.0.1:8080",
      tone: "ok",
      action: { kind: "stop", tunnelId: "t-web" },
    });
    expect(db.subtitle).toBe("127.0.0.1:15432");
    expect(cache).toMatchObject({
      subtitle: "Not connected",
      tone: "idle",
      action: { kind: "connect", tunnelId: "t-cache" },
    });
    expect(model.sections[1]).toEqual({
      key: "profiles",
      title: "Profiles",
      items: [{ key: "profile-dev", title: "dev", tone: "ok", subtitle: "Signed in · 42 min left" }],
    });
    expect(titles(model, "footer")).toEqual([
      "Manage Tunnels…",
      "Stop All Tunnels",
      "Authenticate Profile…",
      "Preferences…",
    ]);
  });

  it("shows the sign-in badge when a tunnel waits for auth, with one-click Authenticate", () => {
    const model = buildMenuModel(
      [with_(tunnel("db", "prod"), "auth-required"), with_(tunnel("web"), "connected")],
      [
        { profile: "prod", state: "auth-required", reason: "refresh token expired" },
        { profile: "dev", state: "valid" },
      ],
      NOW,
    );
    expect(model.tone).toBe("warning");
    expect(model.title).toBe("1");
    expect(model.tooltip).toBe("StormTunnel: 1 connected, 1 profile needs sign-in");
    expect(model.sections[0].items[0]).toMatchObject({
      title: "db",
      tone: "warning",
      subtitle: "Sign in to prod",
      action: { kind: "authenticate", profile: "prod" },
    });
    expect(model.sections[1].items.find((i) => i.title === "prod")).toMatchObject({
      subtitle: "Sign-in needed",
      tooltip: "refresh token expired",
      action: { kind: "authenticate", profile: "prod" },
    });
  });

  it("badges an expired profile used by a stopped tunnel, and ignores profiles no tunnel uses", () => {
    const model = buildMenuModel(
      [with_(tunnel("db"), "stopped")],
      [{ profile: "dev", state: "expired" }, { profile: "unused", state: "signed-out" }, { profile: "other" }],
      NOW,
    );
    expect(model.tone).toBe("warning");
    expect(titles(model, "profiles")).toEqual(["dev"]);
    expect(titles(model, "footer")).not.toContain("Stop All Tunnels");
  });

  it("reports failures with a clipped error and a retry", () => {
    const long = "x".repeat(200);
    const model = buildMenuModel([with_(tunnel("db"), "error", { lastError: long })], [], NOW);
    expect(model.tone).toBe("error");
    const item = model.sections[0].items[0];
    expect(item.subtitle).toHaveLength(80);
    expect(item.subtitle?.endsWith("…")).toBe(true);
    expect(item.tooltip).toBe(long);
    expect(item.action).toEqual({ kind: "connect", tunnelId: "t-db" });
    expect(model.tooltip).toBe("StormTunnel: 1 failed");
  });

  it.each([
    ["starting", "Connecting…"],
    ["connecting", "Connecting…"],
    ["authenticating", "Waiting for sign-in…"],
    ["reconnecting", "Reconnecting…"],
  ])("shows %s as busy with Stop", (status, subtitle) => {
    const model = buildMenuModel([with_(tunnel("db"), status)], [], NOW);
    expect(model.tone).toBe("busy");
    expect(model.sections[0].items[0]).toMatchObject({ subtitle, tone: "busy", action: { kind: "stop" } });
  });

  it("describes token lifetimes and non-SSO profiles", () => {
    const model = buildMenuModel(
      [with_(tunnel("a", "p1")), with_(tunnel("b", "p2")), with_(tunnel("c", "p3")), with_(tunnel("d", "p4"))],
      [
        { profile: "p1", state: "valid", expiresAt: NOW + 5 * 3600_000 },
        { profile: "p2", state: "expiring" },
        { profile: "p3", state: "refreshing" },
        { profile: "p4", reason: "static keys are not SSO" },
      ],
      NOW,
    );
    expect(model.sections[1].items.map((i) => i.subtitle)).toEqual([
      "Signed in · 5 h left",
      "Signed in · refresh due",
      "Refreshing…",
      "static keys are not SSO",
    ]);
  });
});
