// The one place that says what a tunnel's state means to its user: which group it belongs in, its label and tone,
// whether its worker holds the local port (Stop applies), and whether it waits for the user (the menu-bar badge).
// Connect Tunnel and the menu bar read states through this module (the CLI prints the raw status names).
import type { TunnelState } from "./state";

/** Sections of the tunnel list and of the menu, in display order. */
export type TunnelGroup = "needs-sign-in" | "connected" | "connecting" | "failed" | "stopped";

export const GROUP_ORDER: readonly TunnelGroup[] = ["needs-sign-in", "connected", "connecting", "failed", "stopped"];

export const GROUP_TITLES: Record<TunnelGroup, string> = {
  "needs-sign-in": "Needs Sign-In",
  connected: "Connected",
  connecting: "Connecting",
  failed: "Failed",
  stopped: "Stopped",
};

/** How loud a state is: the views map tones to colours and icons. */
export type Tone = "ok" | "busy" | "warning" | "error" | "idle";

export interface StatusView {
  group: TunnelGroup;
  /** Title Case tag text. */
  label: string;
  tone: Tone;
  /** A worker runs and holds the local port: Stop applies (a tunnel waiting for sign-in included). */
  live: boolean;
  /** Waiting for the user: raises the menu-bar badge. */
  needsUser: boolean;
  /** Why it stopped or failed, or what it waits for; absent when there is nothing to explain. */
  reason?: string;
  /** What the user can do next, in a sentence (subtitles, tooltips). */
  hint: string;
}

/** What a view knows about a tunnel's state; unknown fields (newer workers) are ignored. */
export type StatusInput = Pick<TunnelState, "status" | "lastError"> & Partial<Pick<TunnelState, "login">>;

export interface StatusContext {
  /**
   * The tunnel's profile has a usable token again (the user just signed in): an `auth-required` worker picks it up
   * within seconds, so it reads as reconnecting rather than raising the badge until it has.
   */
  signedIn?: boolean;
}

/** The view of a tunnel: `state` is absent for a tunnel that never ran. */
export function statusView(state: StatusInput | undefined, context: StatusContext = {}): StatusView {
  const reason = state?.lastError || undefined;
  switch (state?.status) {
    case undefined:
      return view("stopped", "Not Connected", "idle", false, "Connect to open the local port");
    case "stopped":
      // The user's own Stop clears lastError; a reason left behind means the tunnel ended by itself.
      return reason
        ? { ...view("failed", "Ended", "error", false, "Connect to start it again"), reason }
        : view("stopped", "Stopped", "idle", false, "Connect to open the local port");
    case "starting":
    case "connecting":
      return view("connecting", "Connecting", "busy", true, "Opening the Session Manager session");
    case "authenticating":
      return {
        ...view("connecting", "Signing In", "busy", true, "Finish signing in in your browser"),
        reason: state.login?.userCode ? `Code ${state.login.userCode}` : undefined,
      };
    case "reconnecting":
      return { ...view("connecting", "Reconnecting", "busy", true, "Reconnecting by itself"), reason };
    case "connected":
      // Up, yet its destination may have refused a connection (the database is down): say so.
      return { ...view("connected", "Connected", "ok", true, "Connected"), reason };
    case "auth-required":
      if (context.signedIn) {
        return view("connecting", "Reconnecting", "busy", true, "Signed in: reconnecting by itself");
      }
      return {
        ...view("needs-sign-in", "Sign-In Needed", "warning", true, "Sign in and it reconnects by itself"),
        needsUser: true,
        reason,
      };
    case "error":
      // The worker still runs (it retries slowly); a dead one is reconciled to `stopped` with its reason.
      return { ...view("failed", "Failed", "error", true, "Retrying; stop it or fix the cause"), reason };
    default:
      // A status from a newer worker: its process is alive (dead ones are reconciled to stopped), so it can be stopped.
      return { ...view("connecting", titleCase(String(state?.status)), "busy", true, "Working"), reason };
  }
}

function view(group: TunnelGroup, label: string, tone: Tone, live: boolean, hint: string): StatusView {
  return { group, label, tone, live, needsUser: false, hint };
}

function titleCase(s: string): string {
  return s
    .split(/[-_\s]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join(" ");
}

/** Groups items by their view, in GROUP_ORDER, each sorted by name (as the menu sorts them); empty groups omitted. */
export function groupTunnels<T>(
  items: readonly T[],
  viewOf: (item: T) => StatusView,
  nameOf: (item: T) => string,
): { group: TunnelGroup; title: string; items: T[] }[] {
  const byGroup = new Map<TunnelGroup, T[]>();
  for (const item of items) {
    const group = viewOf(item).group;
    byGroup.set(group, [...(byGroup.get(group) ?? []), item]);
  }
  return GROUP_ORDER.filter((g) => byGroup.has(g)).map((group) => ({
    group,
    title: GROUP_TITLES[group],
    items: byGroup.get(group)!.sort((a, b) => nameOf(a).localeCompare(nameOf(b))),
  }));
}
