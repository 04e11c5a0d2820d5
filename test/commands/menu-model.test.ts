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

  it("groups tunnels like Connect Tunnel, counts connected ones and offers Stop on each running one", () => {
    const model = buildMenuModel(
      [
        with_(tunnel("web"), "connected", { localAddress: "127.0.0.1:8080" }),
        with_(tunnel("db"), "connected"),
        with_(tunnel("cache")),
      ],
      [{ profile: "dev", state: "valid", expiresAt: NOW + 42 * 60_000, refreshable: true }],
      NOW,
    );
    expect(model.title).toBe("2");
    expect(model.tone).toBe("ok");
    expect(model.tooltip).toBe("StormTunnel: 2 connected");
    expect(model.sections.map((s) => s.title)).toEqual(["Connected", "Stopped", "Profiles", undefined]);
    const [db, web] = model.sections[0].items; // sorted by name
    expect(web).toMatchObject({
      title: "web",
      subtitle: "127.0.0.1:8080",
      tone: "ok",
      action: { kind: "stop", tunnelId: "t-web" },
    });
    expect(db.subtitle).toBe("127.0.0.1:15432");
    expect(model.sections[1].items[0]).toMatchObject({
      title: "cache",
      subtitle: "Not Connected",
      tone: "idle",
      action: { kind: "connect", tunnelId: "t-cache" },
    });
    expect(model.sections[2].items).toEqual([
      { key: "profile-dev", title: "dev", tone: "ok", subtitle: "Signed in · renews automatically" },
    ]);
    expect(titles(model, "footer")).toEqual([
      "Manage Tunnels…",
      "Stop All Tunnels",
      "Authenticate Profile…",
      "Preferences…",
    ]);
  });

  it("a running tunnel waiting for sign-in badges the menu; its click signs in, ⌥ stops it, Stop All covers it", () => {
    const model = buildMenuModel(
      [with_(tunnel("db", "prod"), "auth-required", { lastError: "Sign-in needed: refresh token expired" })],
      [{ profile: "prod", state: "auth-required", reason: "refresh token expired" }],
      NOW,
    );
    expect(model.tone).toBe("warning");
    expect(model.signInsNeeded).toBe(1);
    expect(model.title).toBeUndefined();
    expect(model.tooltip).toBe("StormTunnel: 1 profile needs sign-in");
    expect(model.sections[0].title).toBe("Needs Sign-In");
    expect(model.sections[0].items[0]).toMatchObject({
      title: "db",
      tone: "warning",
      subtitle: "Sign in to prod",
      action: { kind: "sign-in", profile: "prod" },
      alternate: { title: "Stop db", action: { kind: "stop", tunnelId: "t-db" } },
    });
    expect(titles(model, "profiles")).toEqual(["prod"]);
    expect(model.sections[1].items[0]).toMatchObject({
      subtitle: "Sign-in needed · click to sign in",
      tooltip: "refresh token expired",
      action: { kind: "sign-in", profile: "prod" },
    });
    expect(titles(model, "footer")).toContain("Stop All Tunnels");
  });

  it("clears the badge as soon as the profile is signed in again, before the worker has reconnected", () => {
    const model = buildMenuModel(
      [with_(tunnel("db", "prod"), "auth-required")],
      [{ profile: "prod", state: "valid", tunnelUsable: true, expiresAt: NOW + 3600_000, refreshable: true }],
      NOW,
    );
    expect(model.tone).toBe("busy");
    expect(model.signInsNeeded).toBe(0);
    expect(model.sections[0]).toMatchObject({
      title: "Connecting",
      items: [{ title: "db", subtitle: "Reconnecting…", action: { kind: "stop", tunnelId: "t-db" } }],
    });
  });

  it("saved tunnels that are not running never raise the badge, whatever their profile's token says", () => {
    const model = buildMenuModel(
      [with_(tunnel("db"), "stopped"), with_(tunnel("web", "other"))],
      [
        { profile: "dev", state: "expired" },
        { profile: "other", state: "signed-out" },
        { profile: "unused", state: "signed-out" },
      ],
      NOW,
    );
    expect(model.tone).toBe("idle");
    expect(model.signInsNeeded).toBe(0);
    expect(titles(model, "profiles")).toEqual(["dev", "other"]); // still listed, with a click to sign in
    expect(model.sections.find((s) => s.key === "profiles")?.items[0].action).toEqual({
      kind: "sign-in",
      profile: "dev",
    });
    expect(titles(model, "footer")).not.toContain("Stop All Tunnels");
  });

  it("shows why a tunnel ended or failed, clipped, with the right next step", () => {
    const long = "x".repeat(200);
    const model = buildMenuModel(
      [
        with_(tunnel("db"), "error", { lastError: long }),
        with_(tunnel("web"), "stopped", { lastError: "session ended (auto-reconnect is off)" }),
        with_(tunnel("ssh"), "stopped"),
      ],
      [],
      NOW,
    );
    expect(model.tone).toBe("error"); // a running worker that keeps failing
    const failed = model.sections.find((s) => s.title === "Failed")!.items;
    expect(failed.map((i) => i.title)).toEqual(["db", "web"]);
    expect(failed[0].subtitle).toHaveLength(80);
    expect(failed[0].subtitle?.endsWith("…")).toBe(true);
    expect(failed[0].tooltip).toBe(long);
    expect(failed[0].action).toEqual({ kind: "stop", tunnelId: "t-db" });
    expect(failed[1]).toMatchObject({
      subtitle: "session ended (auto-reconnect is off)",
      action: { kind: "connect", tunnelId: "t-web" },
    });
    expect(model.sections.find((s) => s.title === "Stopped")!.items[0]).toMatchObject({
      title: "ssh",
      subtitle: "Stopped",
    });
    expect(model.tooltip).toBe("StormTunnel: 2 failed");
  });

  it("an ended tunnel alone does not turn the icon red: nothing runs", () => {
    const model = buildMenuModel(
      [with_(tunnel("web"), "stopped", { lastError: "worker ended unexpectedly" })],
      [],
      NOW,
    );
    expect(model.tone).toBe("idle");
  });

  it.each([
    ["starting", "Connecting…"],
    ["connecting", "Connecting…"],
    ["authenticating", "Signing In…"],
    ["reconnecting", "Reconnecting…"],
    ["draining", "Draining…"], // a status from a newer worker: still running, so still stoppable
  ])("shows %s as busy with Stop", (status, subtitle) => {
    const model = buildMenuModel([with_(tunnel("db"), status)], [], NOW);
    expect(model.tone).toBe("busy");
    expect(model.sections[0].items[0]).toMatchObject({ subtitle, tone: "busy", action: { kind: "stop" } });
  });

  it("counts down to the sign-in that is really needed, not to the hourly access token", () => {
    const model = buildMenuModel(
      ["a", "b", "c", "d", "e"].map((n, i) => with_(tunnel(n, `p${i + 1}`))),
      [
        // The SSO session's end is known (a refresh was refused while the token was valid).
        {
          profile: "p1",
          state: "valid",
          expiresAt: NOW + 50 * 60_000,
          refreshable: true,
          signInBy: NOW + 6 * 3600_000,
        },
        // Renews by itself and its session end is not known: no misleading hourly countdown.
        { profile: "p2", state: "valid", expiresAt: NOW + 50 * 60_000, refreshable: true },
        // Does not renew: the access token's expiry is when a sign-in is needed.
        {
          profile: "p3",
          state: "valid",
          expiresAt: NOW + 3 * 24 * 3600_000,
          refreshable: false,
          signInBy: NOW + 3 * 24 * 3600_000,
        },
        { profile: "p4", state: "refreshing" },
        { profile: "p5", reason: "static keys are not SSO" },
      ],
      NOW,
    );
    expect(model.sections.find((s) => s.key === "profiles")!.items.map((i) => i.subtitle)).toEqual([
      "Signed in · sign in again in 6 h",
      "Signed in · renews automatically",
      "Signed in · sign in again in 3 days",
      "Refreshing…",
      "static keys are not SSO",
    ]);
  });
});
