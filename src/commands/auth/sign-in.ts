// One click to sign in, from any view: starts the detached login worker (browser or device code, per preference),
// follows it with an animated toast, and on success updates the token mirrors and the menu bar. Tunnels waiting in
// `auth-required` see the new token and reconnect by themselves.
import { Clipboard, Toast, open, showToast } from "@raycast/api";
import { groupFor, loadAwsConfig, type SsoSessionGroup } from "../../lib/aws";
import type { Env } from "../../lib/home";
import type { Settings } from "../../lib/settings";
import { isLiveLogin, readLoginProgress, type LoginProgress } from "../../lib/sso/login/state";
import { refreshMenuBar } from "../launch";
import { syncMirrors } from "../mirrors/sync-mirrors";
import { followLogin, type FollowLoginOptions, type LoginOutcome } from "./follow-login";
import { startLoginWorker } from "./login-worker";

export function sessionTitle(group: Pick<SsoSessionGroup, "sessionName" | "startUrl">): string {
  return group.sessionName ?? group.startUrl;
}

export interface SignInOptions {
  /** Overrides for tests (poll and liveness intervals). */
  follow?: Pick<FollowLoginOptions, "pollMs" | "livenessMs" | "timeoutMs">;
  signal?: AbortSignal;
  /** Each new step of the login (the view shows Cancel Sign-In while one runs). */
  onProgress?: (progress: LoginProgress) => void;
}

/** Signs in to the SSO session of `profile`; resolves with how it ended (the toast has already said so). */
export async function signIn(
  profile: string,
  env: Env,
  settings: Settings,
  options: SignInOptions = {},
): Promise<LoginOutcome | undefined> {
  const config = await loadAwsConfig({ env, override: settings.awsConfigFile });
  const group = groupFor(config, profile);
  if (!group) {
    await showToast({
      style: Toast.Style.Failure,
      title: `${profile} does not sign in with IAM Identity Center`,
      message: config.problems.find((p) => p.profile === profile)?.message ?? `Check the profile in ${config.path}.`,
    });
    return undefined;
  }
  const since = Date.now();
  // Spawned before the first UI await: a toast can start this command's teardown (raycast.md §6.5 rule 2).
  const worker = startLoginWorker(profile, env, settings);
  const title = sessionTitle(group);
  const toast = await showToast({
    style: Toast.Style.Animated,
    title: `Signing in to ${title}…`,
    message: settings.loginMethod === "device-code" ? "Waiting for the sign-in code…" : "Opening your browser…",
  });
  let pid: number;
  try {
    pid = await worker.pid;
  } catch (e) {
    toast.style = Toast.Style.Failure;
    toast.title = "Could not start the sign-in";
    toast.message = (e as Error).message;
    return { status: "died", error: (e as Error).message };
  }
  toast.secondaryAction = { title: "Cancel Sign-In", onAction: () => void cancelSignIn(env, group) };
  const outcome = await followLogin(env, group, {
    since,
    workerPid: pid,
    signal: options.signal,
    ...options.follow,
    onProgress: (p) => {
      showProgress(toast, p);
      options.onProgress?.(p);
    },
  });
  toast.secondaryAction = undefined;
  if (outcome.status === "stopped-following") {
    // The view closed: the login goes on in its worker; nobody is left to tell.
    await toast.hide();
  } else if (outcome.status === "succeeded") {
    // The new token is on disk: copy it to the mirrors now rather than at the next background run.
    const mirrors = await syncMirrors(env, settings);
    toast.style = Toast.Style.Success;
    toast.title = `Signed in to ${title}`;
    toast.message = mirrors.note ?? "Tunnels using it reconnect by themselves";
    toast.primaryAction = undefined;
    await refreshMenuBar();
  } else {
    toast.style = Toast.Style.Failure;
    toast.title = outcome.status === "cancelled" ? "Sign-in cancelled" : "Sign-in failed";
    toast.message = outcome.error;
    toast.primaryAction =
      outcome.status === "died" ? { title: "Open Log", onAction: () => void open(worker.logFile) } : undefined;
  }
  return outcome;
}

function showProgress(toast: Toast, p: LoginProgress): void {
  if (p.status === "waiting-for-device-code" && p.userCode) {
    const code = p.userCode;
    const url = p.verificationUriComplete ?? p.verificationUri;
    toast.message = `Confirm code ${code} in your browser`;
    toast.primaryAction = url
      ? { title: "Open Sign-In Page", onAction: () => void open(url) }
      : { title: "Copy Code", onAction: () => void Clipboard.copy(code) };
  } else if (p.status === "waiting-for-browser") {
    toast.message = p.browserError ?? "Finish signing in in your browser";
    if (p.authorizeUrl) {
      const url = p.authorizeUrl;
      toast.primaryAction = { title: "Open Sign-In Page", onAction: () => void open(url) };
    }
  }
}

/** Stops the login running for the session (in whichever process), as `stormtunnel login --cancel` does. */
export async function cancelSignIn(env: Env, group: Pick<SsoSessionGroup, "tokenCacheKey">): Promise<boolean> {
  const progress = await readLoginProgress(env, group);
  if (!isLiveLogin(progress)) return false;
  try {
    process.kill(progress.pid, "SIGTERM");
    return true;
  } catch {
    return false;
  }
}
