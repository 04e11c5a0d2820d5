// The Connect Tunnel view: saved tunnels, create/edit/delete. Connecting is wired by the tunnel UI.
import { Action, ActionPanel, Alert, Icon, Keyboard, List, Toast, confirmAlert, showToast } from "@raycast/api";
import type { Env } from "../../lib/home";
import type { TunnelDefinition } from "../../lib/tunnels/definition";
import { loadTunnels, removeTunnel, tunnelsFile } from "../../lib/tunnels/store";
import { isRunning, stopTunnel } from "../../lib/tunnels/supervisor";
import { useLoad } from "../use-load";
import { describeRoute, localAddress } from "./describe";
import { TunnelForm } from "./TunnelForm";

const NEW_TUNNEL_SHORTCUT: Keyboard.Shortcut = { modifiers: ["cmd"], key: "n" };

export function TunnelList({ env = process.env }: { env?: Env }) {
  const store = useLoad(() => loadTunnels(env));
  const tunnels = store.data?.tunnels ?? [];
  const problems = [...(store.data?.problems ?? []), ...(store.error ? [store.error.message] : [])];

  const createAction = (
    <Action.Push
      title="Create Tunnel"
      icon={Icon.Plus}
      shortcut={NEW_TUNNEL_SHORTCUT}
      target={<TunnelForm env={env} onSaved={store.reload} />}
    />
  );

  async function remove(tunnel: TunnelDefinition) {
    const confirmed = await confirmAlert({
      title: `Delete "${tunnel.name}"?`,
      message: "The saved tunnel is removed; if it is running it is stopped first.",
      primaryAction: { title: "Delete", style: Alert.ActionStyle.Destructive },
    });
    if (!confirmed) return;
    try {
      if (isRunning(env, tunnel.id)) await stopTunnel(tunnel.id, { env });
      await removeTunnel(env, tunnel.id);
      await showToast({ style: Toast.Style.Success, title: "Tunnel deleted", message: tunnel.name });
    } catch (e) {
      await showToast({
        style: Toast.Style.Failure,
        title: "Could not delete the tunnel",
        message: (e as Error).message,
      });
    }
    store.reload();
  }

  return (
    <List isLoading={store.isLoading} searchBarPlaceholder="Search tunnels by name, profile or target">
      {!store.isLoading && tunnels.length === 0 && problems.length === 0 ? (
        <List.EmptyView
          title="No tunnels yet"
          description="Create a tunnel to forward a local port through Session Manager to an instance, or to a database behind it."
          icon={Icon.Plug}
          actions={<ActionPanel>{createAction}</ActionPanel>}
        />
      ) : null}
      {problems.length > 0 ? (
        <List.Section title="Needs Attention">
          {problems.map((problem, i) => (
            <List.Item
              key={`problem-${i}`}
              title={problem}
              icon={Icon.Warning}
              actions={
                <ActionPanel>
                  <Action.ShowInFinder title="Show Tunnels File" path={tunnelsFile(env)} />
                  <Action.CopyToClipboard title="Copy Message" content={problem} />
                  {createAction}
                </ActionPanel>
              }
            />
          ))}
        </List.Section>
      ) : null}
      <List.Section title="Tunnels">
        {tunnels.map((tunnel) => (
          <List.Item
            key={tunnel.id}
            id={tunnel.id}
            title={tunnel.name}
            subtitle={describeRoute(tunnel)}
            keywords={[tunnel.profile, tunnel.target, ...(tunnel.remoteHost ? [tunnel.remoteHost] : [])]}
            icon={Icon.Plug}
            accessories={[{ tag: tunnel.profile }, { text: localAddress(tunnel) }]}
            actions={
              <ActionPanel>
                <Action.Push
                  title="Edit Tunnel"
                  icon={Icon.Pencil}
                  target={<TunnelForm env={env} tunnel={tunnel} onSaved={store.reload} />}
                />
                {createAction}
                <Action.CopyToClipboard
                  title="Copy Local Address"
                  content={localAddress(tunnel)}
                  shortcut={Keyboard.Shortcut.Common.Copy}
                />
                <Action
                  title="Delete Tunnel"
                  icon={Icon.Trash}
                  style={Action.Style.Destructive}
                  shortcut={Keyboard.Shortcut.Common.Remove}
                  onAction={() => remove(tunnel)}
                />
              </ActionPanel>
            }
          />
        ))}
      </List.Section>
    </List>
  );
}
