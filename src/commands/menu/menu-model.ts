// What the menu bar shows, as plain data: the component only maps it to MenuBarExtra (tested without Raycast).
// Tunnel states read through the shared status vocabulary, so the menu and Connect Tunnel never disagree.
import type { TunnelDefinition } from "../../lib/tunnels/definition";
import type { TunnelState } from "../../lib/tunnels/state";
import type { TokenState } from "../../lib/sso/refresh-policy";
import { localAddress } from "../../lib/tunnels/route";
import { groupTunnels, statusView, type StatusView, type Tone } from "../../lib/tunnels/status-vocabulary";
import { countdown, profileNeedsSignIn, profileSignedIn } from "../profile-status";

export type MenuTone = Tone;

export interface MenuTunnel {
  definition: TunnelDefinition;
  /** Runtime state from the tunnel's worker; absent when it never ran. */
  state?: Pick<TunnelState, "status" | "localAddress" | "lastError"> & Partial<Pick<TunnelState, "login">>;
}

/** A profile's token situation (a subset of ProfileTokenStatus from src/lib/sso). */
export interface MenuProfileState {
  profile: string;
  /** Absent for profiles without SSO. */
  state?: TokenState;
  expiresAt?: number;
  reason?: string;
  tunnelUsable?: boolean;
  refreshable?: boolean;
  signInBy?: number;
  /** A silent refresh can still renew the token (due, running, retrying an outage): expired, but no sign-in needed. */
  refreshPending?: boolean;
}

export type MenuAction =
  | { kind: "connect"; tunnelId: string }
  | { kind: "stop"; tunnelId: string }
  | { kind: "stop-all" }
  /** Starts the login for this profile's SSO session right away (no view in between). */
  | { kind: "sign-in"; profile: string }
  /** Opens Authenticate Profile. */
  | { kind: "authenticate" }
  | { kind: "open-tunnels" }
  | { kind: "preferences" };

export interface MenuItemModel {
  key: string;
  title: string;
  subtitle?: string;
  tooltip?: string;
  tone?: MenuTone;
  /** No action: a disabled, informational row. */
  action?: MenuAction;
  /** Shown instead while ⌥ is held (e.g. Stop on a tunnel whose click signs in). */
  alternate?: MenuItemModel;
}

export interface MenuSectionModel {
  key: string;
  title?: string;
  items: MenuItemModel[];
}

export interface MenuModel {
  /** Text next to the icon: the number of connected tunnels, when any. */
  title?: string;
  tone: MenuTone;
  tooltip: string;
  sections: MenuSectionModel[];
  /** Sign-ins the badge stands for (profiles of running tunnels). */
  signInsNeeded: number;
}

const MAX_SUBTITLE = 80;

function clip(text: string): string {
  return text.length > MAX_SUBTITLE ? `${text.slice(0, MAX_SUBTITLE - 1)}…` : text;
}

interface Row {
  tunnel: MenuTunnel;
  view: StatusView;
}

function tunnelItem({ tunnel: { definition: t, state }, view }: Row): MenuItemModel {
  const base = { key: `tunnel-${t.id}`, title: t.name, tone: view.tone };
  const stop = { kind: "stop", tunnelId: t.id } as const;
  switch (view.group) {
    case "connected":
      return {
        ...base,
        subtitle: state?.localAddress ?? localAddress(t),
        tooltip: view.reason ? `${view.reason}. Click to stop.` : "Connected: click to stop",
        action: stop,
      };
    case "needs-sign-in":
      return {
        ...base,
        subtitle: `Sign in to ${t.profile}`,
        tooltip: `${view.reason ? `${view.reason}. ` : ""}Click to sign in; the tunnel reconnects by itself. ⌥ to stop.`,
        action: { kind: "sign-in", profile: t.profile },
        alternate: { key: `stop-${t.id}`, title: `Stop ${t.name}`, tone: "idle", action: stop },
      };
    case "connecting":
      return { ...base, subtitle: `${view.label}…`, tooltip: view.reason ?? view.hint, action: stop };
    case "failed":
      return {
        ...base,
        subtitle: clip(view.reason ?? view.label),
        tooltip: view.reason,
        action: view.live ? stop : { kind: "connect", tunnelId: t.id },
      };
    default:
      return { ...base, subtitle: view.label, action: { kind: "connect", tunnelId: t.id } };
  }
}

function profileItem(p: MenuProfileState, now: number): MenuItemModel {
  const base = { key: `profile-${p.profile}`, title: p.profile };
  if (profileNeedsSignIn(p)) {
    const what = p.state === "signed-out" ? "Signed out" : p.state === "expired" ? "Expired" : "Sign-in needed";
    return {
      ...base,
      tone: "warning",
      subtitle: `${what} · click to sign in`,
      tooltip: p.reason,
      action: { kind: "sign-in", profile: p.profile },
    };
  }
  if (p.state === "expired" && p.refreshPending) {
    return { ...base, tone: "busy", subtitle: "Expired · refreshing", tooltip: p.reason };
  }
  if (p.state === "refreshing") return { ...base, tone: "busy", subtitle: "Refreshing…" };
  if (p.state) return { ...base, tone: "ok", subtitle: `Signed in · ${countdown(p, now)}`, tooltip: p.reason };
  return { ...base, tone: "idle", subtitle: p.reason ?? "No SSO token" };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/**
 * The whole menu: tunnels grouped by state (each with its one-click action), the profiles they use, and the footer.
 * The badge (warning tone) stands only for running tunnels that wait for the user: a saved tunnel that is not
 * running never raises it, whatever its profile's token says.
 */
export function buildMenuModel(
  tunnels: readonly MenuTunnel[],
  profileStates: readonly MenuProfileState[],
  now = Date.now(),
): MenuModel {
  const profiles = new Map(profileStates.map((p) => [p.profile, p]));
  const rows: Row[] = tunnels.map((tunnel) => {
    const profile = profiles.get(tunnel.definition.profile);
    return { tunnel, view: statusView(tunnel.state, { signedIn: profile && profileSignedIn(profile) }) };
  });
  const live = rows.filter((r) => r.view.live);

  const usedProfiles = new Set(rows.map((r) => r.tunnel.definition.profile));
  const liveProfiles = new Set(live.map((r) => r.tunnel.definition.profile));
  const signIns = new Set([
    ...live.filter((r) => r.view.needsUser).map((r) => r.tunnel.definition.profile),
    ...profileStates.filter((p) => liveProfiles.has(p.profile) && profileNeedsSignIn(p)).map((p) => p.profile),
  ]).size;
  const connected = rows.filter((r) => r.view.group === "connected").length;
  const failing = live.filter((r) => r.view.group === "failed").length;
  const busy = live.filter((r) => r.view.group === "connecting").length;
  const tone: MenuTone =
    signIns > 0 ? "warning" : failing > 0 ? "error" : busy > 0 ? "busy" : connected > 0 ? "ok" : "idle";

  const sections: MenuSectionModel[] = groupTunnels(
    rows,
    (r) => r.view,
    (r) => r.tunnel.definition.name,
  ).map((g) => ({ key: g.group, title: g.title, items: g.items.map(tunnelItem) }));
  if (sections.length === 0) {
    sections.push({
      key: "tunnels",
      title: "Tunnels",
      items: [{ key: "no-tunnels", title: "No tunnels yet", tone: "idle" }],
    });
  }
  const profileItems = profileStates
    .filter((p) => usedProfiles.has(p.profile))
    .sort((a, b) => a.profile.localeCompare(b.profile))
    .map((p) => profileItem(p, now));
  if (profileItems.length > 0) sections.push({ key: "profiles", title: "Profiles", items: profileItems });
  sections.push({
    key: "footer",
    items: [
      {
        key: "open-tunnels",
        title: rows.length > 0 ? "Manage Tunnels…" : "Create Tunnel…",
        action: { kind: "open-tunnels" },
      },
      ...(live.length > 0
        ? [{ key: "stop-all", title: "Stop All Tunnels", action: { kind: "stop-all" } as const }]
        : []),
      { key: "authenticate", title: "Authenticate Profile…", action: { kind: "authenticate" } },
      { key: "preferences", title: "Preferences…", action: { kind: "preferences" } },
    ],
  });

  const ended = rows.filter((r) => r.view.group === "failed" && !r.view.live).length;
  const summary = [
    connected > 0 ? `${connected} connected` : undefined,
    signIns > 0 ? `${plural(signIns, "profile")} need${signIns === 1 ? "s" : ""} sign-in` : undefined,
    failing + ended > 0 ? `${failing + ended} failed` : undefined,
  ].filter(Boolean);
  return {
    title: connected > 0 ? String(connected) : undefined,
    tone,
    tooltip: `StormTunnel: ${summary.length > 0 ? summary.join(", ") : rows.length > 0 ? "no tunnels connected" : "no tunnels"}`,
    sections,
    signInsNeeded: signIns,
  };
}

/** A mirror that could not be updated (e.g. locked Keychain) shows as one quiet row above the footer, not a badge. */
export function withMirrorNote(model: MenuModel, note?: string, detail?: string): MenuModel {
  if (!note) return model;
  const row: MenuItemModel = {
    key: "mirror-note",
    title: note,
    tooltip: detail,
    tone: "idle",
    action: { kind: "preferences" },
  };
  const sections = [...model.sections];
  sections.splice(sections.length - 1, 0, { key: "mirrors", items: [row] });
  return { ...model, sections };
}
