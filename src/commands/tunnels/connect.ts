// Connect, stop and restart from Raycast: the supervisor starts the detached worker; a toast follows its state file,
// through a browser sign-in if the worker needs one (for as long as the login may take).
import { Alert, Toast, confirmAlert, open, showToast } from "@raycast/api";
import type { Env } from "../../lib/home";
import { settingsToEnv, type Settings } from "../../lib/settings";
import type { TunnelDefinition } from "../../lib/tunnels/definition";
import { followTunnel } from "../../lib/tunnels/supervisor/follow";
import { startTunnel, stopAll, stopTunnel } from "../../lib/tunnels/supervisor";
import { signIn } from "../auth/sign-in";
import { refreshMenuBar } from "../launch";
import { raycastWorkerCommand } from "../worker-command";

export async function connectTunnel(
  tunnel: TunnelDefinition,
  env: Env,
  settings: Settings,
  signal?: AbortSignal,
): Promise<void> {
  const notBefore = new Date();
  // Spawned before the first UI await (raycast.md §6.5 rule 2).
  const started = startTunnel(tunnel, {
    env: { ...env, ...settingsToEnv(settings) },
    workerCommand: raycastWorkerCommand(env),
  });
  const toast = await showToast({ style: Toast.Style.Animated, title: `Connecting ${tunnel.name}…` });
  try {
    const { alreadyRunning } = await started;
    const state = await followTunnel(tunnel.id, {
      env,
      signal,
      notBefore: alreadyRunning ? undefined : notBefore,
      onChange: (s) => {
        if (s.login?.userCode) toast.message = `Confirm code ${s.login.userCode} in your browser`;
        else if (s.status === "authenticating") toast.message = "Signing in: finish in your browser";
        else if (s.status === "reconnecting" && s.lastError) toast.message = s.lastError;
        const url = s.login?.url;
        if (url) toast.primaryAction = { title: "Open Sign-In Page", onAction: () => void open(url) };
      },
    });
    toast.primaryAction = undefined;
    if (state.status === "connected") {
      toast.style = Toast.Style.Success;
      toast.title = `Connected ${tunnel.name}`;
      toast.message = state.localAddress;
    } else if (state.status === "auth-required") {
      toast.style = Toast.Style.Failure;
      toast.title = `Sign in to ${tunnel.profile} to connect`;
      toast.message = state.lastError;
      toast.primaryAction = { title: "Sign in", onAction: () => void signIn(tunnel.profile, env, settings) };
    } else {
      toast.style = Toast.Style.Failure;
      toast.title = `Could not connect ${tunnel.name}`;
      toast.message = state.lastError;
    }
  } catch (e) {
    toast.style = Toast.Style.Failure;
    toast.title = `Could not connect ${tunnel.name}`;
    toast.message = (e as Error).message;
  }
  await refreshMenuBar();
}

export async function disconnectTunnel(tunnel: TunnelDefinition, env: Env): Promise<boolean> {
  const toast = await showToast({ style: Toast.Style.Animated, title: `Stopping ${tunnel.name}…` });
  try {
    await stopTunnel(tunnel.id, { env });
    toast.style = Toast.Style.Success;
    toast.title = `Stopped ${tunnel.name}`;
    return true;
  } catch (e) {
    toast.style = Toast.Style.Failure;
    toast.title = `Could not stop ${tunnel.name}`;
    toast.message = (e as Error).message;
    return false;
  } finally {
    await refreshMenuBar();
  }
}

/** Stop, then connect with the saved definition: how an edit reaches a running tunnel. */
export async function restartTunnel(
  tunnel: TunnelDefinition,
  env: Env,
  settings: Settings,
  signal?: AbortSignal,
): Promise<void> {
  if (await disconnectTunnel(tunnel, env)) await connectTunnel(tunnel, env, settings, signal);
}

/** Stops every running tunnel after asking; true when it stopped them. */
export async function stopAllTunnels(env: Env, running: number): Promise<boolean> {
  const confirmed = await confirmAlert({
    title: `Stop ${running === 1 ? "the running tunnel" : `all ${running} running tunnels`}?`,
    message: "Each closes its local port and ends its Session Manager session.",
    primaryAction: { title: "Stop All", style: Alert.ActionStyle.Destructive },
  });
  if (!confirmed) return false;
  const toast = await showToast({ style: Toast.Style.Animated, title: "Stopping all tunnels…" });
  try {
    const stopped = await stopAll({ env });
    toast.style = Toast.Style.Success;
    toast.title = `Stopped ${stopped.length} tunnel${stopped.length === 1 ? "" : "s"}`;
  } catch (e) {
    toast.style = Toast.Style.Failure;
    toast.title = "Could not stop all tunnels";
    toast.message = (e as Error).message;
  }
  await refreshMenuBar();
  return true;
}
