// Connect and stop from Raycast: the supervisor starts the detached worker; a toast follows its state file.
import { LaunchType, Toast, launchCommand, open, showToast } from "@raycast/api";
import type { Env } from "../../lib/home";
import { settingsToEnv, type Settings } from "../../lib/settings";
import type { TunnelDefinition } from "../../lib/tunnels/definition";
import { followTunnel } from "../../lib/tunnels/supervisor/follow";
import { startTunnel, stopTunnel } from "../../lib/tunnels/supervisor";
import { raycastWorkerCommand } from "../worker-command";

/** Lets the menu bar re-read state now rather than at its next interval; it may be disabled, so failures are fine. */
async function refreshMenuBar() {
  try {
    await launchCommand({ name: "tunnel-status", type: LaunchType.Background });
  } catch {
    // not activated yet (raycast.md §4.2)
  }
}

export async function connectTunnel(tunnel: TunnelDefinition, env: Env, settings: Settings): Promise<void> {
  const notBefore = new Date();
  const started = startTunnel(tunnel, {
    env: { ...env, ...settingsToEnv(settings) },
    workerCommand: raycastWorkerCommand(env),
  });
  const toast = await showToast({ style: Toast.Style.Animated, title: `Connecting ${tunnel.name}…` });
  try {
    const { alreadyRunning } = await started;
    const state = await followTunnel(tunnel.id, {
      env,
      notBefore: alreadyRunning ? undefined : notBefore,
      onChange: (s) => {
        if (s.login?.userCode) toast.message = `Sign in with code ${s.login.userCode}`;
        else if (s.status === "authenticating") toast.message = "Signing in: finish in your browser";
        const url = s.login?.url;
        if (url) toast.primaryAction = { title: "Open Sign-In Page", onAction: () => open(url) };
      },
    });
    if (state.status === "connected") {
      toast.style = Toast.Style.Success;
      toast.title = `Connected ${tunnel.name}`;
      toast.message = state.localAddress;
    } else if (state.status === "auth-required") {
      toast.style = Toast.Style.Failure;
      toast.title = `Sign in to ${tunnel.profile} to connect`;
      toast.message = state.lastError;
      toast.primaryAction = {
        title: "Authenticate Profile",
        onAction: () =>
          launchCommand({
            name: "authenticate-profile",
            type: LaunchType.UserInitiated,
            context: { profile: tunnel.profile },
          }),
      };
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

export async function disconnectTunnel(tunnel: TunnelDefinition, env: Env): Promise<void> {
  const toast = await showToast({ style: Toast.Style.Animated, title: `Stopping ${tunnel.name}…` });
  try {
    await stopTunnel(tunnel.id, { env });
    toast.style = Toast.Style.Success;
    toast.title = `Stopped ${tunnel.name}`;
  } catch (e) {
    toast.style = Toast.Style.Failure;
    toast.title = `Could not stop ${tunnel.name}`;
    toast.message = (e as Error).message;
  }
  await refreshMenuBar();
}
