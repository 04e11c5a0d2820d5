// Refresh Now and Sign Out for one SSO session, from Authenticate Profile, each followed by a toast.
import { Alert, Toast, confirmAlert, showToast } from "@raycast/api";
import type { SsoSessionGroup } from "../../lib/aws";
import type { Env } from "../../lib/home";
import type { Settings } from "../../lib/settings";
import { logout } from "../../lib/sso/logout";
import { RefreshRunner } from "../../lib/sso/refresh-runner";
import { refreshMenuBar } from "../launch";
import { syncMirrors } from "../mirrors/sync-mirrors";
import { sessionTitle } from "./sign-in";

function timeOf(ms: number): string {
  return new Date(ms).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });
}

/** Refreshes the session's token now, even if not due; says what happened. True when a usable token is on disk. */
export async function refreshNow(group: SsoSessionGroup, env: Env, settings: Settings): Promise<boolean> {
  const title = sessionTitle(group);
  const toast = await showToast({ style: Toast.Style.Animated, title: `Refreshing ${title}…` });
  try {
    // Asking explicitly counts as consent even when background refresh is off (as `stormtunnel refresh` does).
    const runner = new RefreshRunner({ env, settings: { ...settings, autoRefresh: true } });
    const check = await runner.ensureFresh(group, { force: true });
    if (check.refreshed || check.adopted) {
      await syncMirrors(env, settings);
      toast.style = Toast.Style.Success;
      toast.title = `Refreshed ${title}`;
      toast.message = check.expiresAt ? `Valid until ${timeOf(check.expiresAt)}` : undefined;
      await refreshMenuBar();
      return true;
    }
    toast.style = Toast.Style.Failure;
    toast.title = `Could not refresh ${title}`;
    toast.message = check.reason ? `${check.reason}. Sign in instead.` : "Sign in instead.";
    return false;
  } catch (e) {
    toast.style = Toast.Style.Failure;
    toast.title = `Could not refresh ${title}`;
    toast.message = (e as Error).message;
    return false;
  }
}

/** Ends the portal session (best effort) and removes the token every profile of the session uses, after asking. */
export async function signOut(group: SsoSessionGroup, env: Env, settings: Settings): Promise<boolean> {
  const title = sessionTitle(group);
  const confirmed = await confirmAlert({
    title: `Sign out of ${title}?`,
    message:
      `${group.profiles.length === 1 ? `${group.profiles[0]} signs` : `${group.profiles.join(", ")} sign`} out, as ` +
      "with `aws sso logout`. Running tunnels that use them will need a sign-in.",
    primaryAction: { title: "Sign Out", style: Alert.ActionStyle.Destructive },
  });
  if (!confirmed) return false;
  const toast = await showToast({ style: Toast.Style.Animated, title: `Signing out of ${title}…` });
  try {
    // No explicit endpoints: logout resolves them with the session's own settings (ignore_configured_endpoint_urls too).
    const { deleted } = await logout(group, { env });
    // The cache file is gone: the LocalStorage and Keychain copies follow now rather than at the next run.
    const mirrors = await syncMirrors(env, settings);
    toast.style = Toast.Style.Success;
    toast.title = deleted ? `Signed out of ${title}` : `Not signed in to ${title}`;
    toast.message = mirrors.note;
    await refreshMenuBar();
    return true;
  } catch (e) {
    toast.style = Toast.Style.Failure;
    toast.title = `Could not sign out of ${title}`;
    toast.message = (e as Error).message;
    return false;
  }
}
