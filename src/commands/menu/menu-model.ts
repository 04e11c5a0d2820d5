// What the menu bar shows, as plain data: the component only maps it to MenuBarExtra (tested without Raycast).
import type { TunnelDefinition } from "../../lib/tunnels/definition";
import type { TunnelState } from "../../lib/tunnels/state";
import type { TokenState } from "../../lib/sso/refresh-policy";
import { localAddress } from "../../lib/tunnels/route";

export interface MenuTunnel {
  definition: TunnelDefinition;
  /** Runtime state from the tunnel's worker; absent when it never ran. */
  state?: Pick<TunnelState, "status" | "localAddress" | "lastError">;
}

/** A profile's token situation (a subset of ProfileTokenStatus from src/lib/sso). */
export interface MenuProfileState {
  profile: string;
  /** Absent for profiles without SSO. */
  state?: TokenState;
  expiresAt?: number;
  reason?: string;
  /** A silent refresh can still renew the token (due, running, retrying an outage): expired, but no sign-in needed. */
  refreshPending?: boolean;
}

export type MenuTone = "ok" | "busy" | "warning" | "error" | "idle";

export type MenuAction =
  | { kind: "connect"; tunnelId: string }
  | { kind: "stop"; tunnelId: string }
  | { kind: "stop-all" }
  | { kind: "authenticate"; profile?: string }
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
}

const RUNNING = new Set(["starting", "authenticating", "connecting", "connected", "reconnecting"]);
const NEEDS_SIGN_IN = new Set<TokenState>(["auth-required", "expired", "signed-out"]);
const MAX_ERROR_LENGTH = 80;

function clip(text: string): string {
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 1)}…` : text;
}

function tunnelItem({ definition: t, state }: MenuTunnel): MenuItemModel {
  const base = { key: `tunnel-${t.id}`, title: t.name };
  switch (state?.status) {
    case "connected":
      return {
        ...base,
        tone: "ok",
        subtitle: state.localAddress ?? localAddress(t),
        tooltip: "Connected: click to stop",
        action: { kind: "stop", tunnelId: t.id },
      };
    case "starting":
    case "connecting":
      return { ...base, tone: "busy", subtitle: "Connecting…", action: { kind: "stop", tunnelId: t.id } };
    case "authenticating":
      return { ...base, tone: "busy", subtitle: "Waiting for sign-in…", action: { kind: "stop", tunnelId: t.id } };
    case "reconnecting":
      return { ...base, tone: "busy", subtitle: "Reconnecting…", action: { kind: "stop", tunnelId: t.id } };
    case "auth-required":
      return {
        ...base,
        tone: "warning",
        subtitle: `Sign in to ${t.profile}`,
        tooltip: "The SSO token could not be refreshed: sign in and the tunnel reconnects by itself",
        action: { kind: "authenticate", profile: t.profile },
      };
    case "error":
      return {
        ...base,
        tone: "error",
        subtitle: state.lastError ? clip(state.lastError) : "Failed",
        tooltip: state.lastError,
        action: { kind: "connect", tunnelId: t.id },
      };
    default:
      return { ...base, tone: "idle", subtitle: "Not connected", action: { kind: "connect", tunnelId: t.id } };
  }
}

function minutesLeft(expiresAt: number, now: number): string {
  const minutes = Math.floor((expiresAt - now) / 60_000);
  if (minutes >= 120) return `${Math.floor(minutes / 60)} h`;
  return minutes <= 0 ? "less than a minute" : `${minutes} min`;
}

/** The badge means "only you can fix this": an expired token a refresh is still working on does not count. */
function needsSignIn(p: MenuProfileState): boolean {
  return !!p.state && NEEDS_SIGN_IN.has(p.state) && !(p.state === "expired" && p.refreshPending);
}

function profileItem(p: MenuProfileState, now: number): MenuItemModel {
  const base = { key: `profile-${p.profile}`, title: p.profile };
  if (p.state === "expired" && p.refreshPending) {
    return { ...base, tone: "busy", subtitle: "Expired · refreshing", tooltip: p.reason };
  }
  switch (p.state) {
    case "valid":
      return {
        ...base,
        tone: "ok",
        subtitle: p.expiresAt ? `Signed in · ${minutesLeft(p.expiresAt, now)} left` : "Signed in",
      };
    case "expiring":
      return { ...base, tone: "ok", subtitle: "Signed in · refresh due" };
    case "refreshing":
      return { ...base, tone: "busy", subtitle: "Refreshing…" };
    case "auth-required":
    case "expired":
    case "signed-out":
      return {
        ...base,
        tone: "warning",
        subtitle: p.state === "signed-out" ? "Signed out" : p.state === "expired" ? "Expired" : "Sign-in needed",
        tooltip: p.reason,
        action: { kind: "authenticate", profile: p.profile },
      };
    default:
      return { ...base, tone: "idle", subtitle: p.reason ?? "No SSO token" };
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/**
 * The whole menu: tunnels (with their action), the profiles those tunnels use, and the footer.
 * The badge (warning tone) shows whenever a tunnel or one of its profiles needs a sign-in.
 */
export function buildMenuModel(
  tunnels: readonly MenuTunnel[],
  profileStates: readonly MenuProfileState[],
  now = Date.now(),
): MenuModel {
  const sorted = [...tunnels].sort((a, b) => a.definition.name.localeCompare(b.definition.name));
  const tunnelItems = sorted.map(tunnelItem);

  const usedProfiles = new Set(sorted.map((t) => t.definition.profile));
  const profileItems = profileStates
    .filter((p) => usedProfiles.has(p.profile))
    .sort((a, b) => a.profile.localeCompare(b.profile))
    .map((p) => profileItem(p, now));

  const connected = sorted.filter((t) => t.state?.status === "connected").length;
  const running = sorted.filter((t) => t.state && RUNNING.has(t.state.status)).length;
  const signIns = new Set([
    ...sorted.filter((t) => t.state?.status === "auth-required").map((t) => t.definition.profile),
    ...profileStates.filter((p) => usedProfiles.has(p.profile) && needsSignIn(p)).map((p) => p.profile),
  ]).size;
  const failed = sorted.filter((t) => t.state?.status === "error").length;

  const tone: MenuTone =
    signIns > 0 ? "warning" : failed > 0 ? "error" : running > connected ? "busy" : connected > 0 ? "ok" : "idle";

  const summary = [
    connected > 0 ? `${connected} connected` : undefined,
    signIns > 0 ? `${plural(signIns, "profile")} need${signIns === 1 ? "s" : ""} sign-in` : undefined,
    failed > 0 ? `${failed} failed` : undefined,
  ].filter(Boolean);

  const sections: MenuSectionModel[] = [
    {
      key: "tunnels",
      title: "Tunnels",
      items: tunnelItems.length > 0 ? tunnelItems : [{ key: "no-tunnels", title: "No tunnels yet", tone: "idle" }],
    },
  ];
  if (profileItems.length > 0) sections.push({ key: "profiles", title: "Profiles", items: profileItems });
  sections.push({
    key: "footer",
    items: [
      {
        key: "open-tunnels",
        title: tunnelItems.length > 0 ? "Manage Tunnels…" : "Create Tunnel…",
        action: { kind: "open-tunnels" },
      },
      ...(running > 0 ? [{ key: "stop-all", title: "Stop All Tunnels", action: { kind: "stop-all" } as const }] : []),
      { key: "authenticate", title: "Authenticate Profile…", action: { kind: "authenticate" } },
      { key: "preferences", title: "Preferences…", action: { kind: "preferences" } },
    ],
  });

  return {
    title: connected > 0 ? String(connected) : undefined,
    tone,
    tooltip: `StormTunnel: ${summary.length > 0 ? summary.join(", ") : sorted.length > 0 ? "no tunnels connected" : "no tunnels"}`,
    sections,
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
