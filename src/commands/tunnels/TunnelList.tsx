// The Connect Tunnel view: saved tunnels with their live status; connect, stop, create, edit, delete.
import { Action, ActionPanel, Alert, Color, Icon, Keyboard, List, Toast, confirmAlert, showToast } from "@raycast/api";
import { useEffect, useRef } from "react";
import type { Env } from "../../lib/home";
import type { TunnelDefinition } from "../../lib/tunnels/definition";
import { loadTunnels, removeTunnel, tunnelsFile } from "../../lib/tunnels/store";
import type { TunnelState } from "../../lib/tunnels/state";
import { isRunning, stopTunnel, tunnelStatuses } from "../../lib/tunnels/supervisor";
import { readSettings } from "../settings";
import { useLoad } from "../use-load";
import { connectTunnel, disconnectTunnel } from "./connect";
import { describeRoute, localAddress } from "../../lib/tunnels/route";
import { TunnelForm } from "./TunnelForm";

const LIVE = new Set(["starting", "authenticating", "connecting", "connected", "reconnecting", "auth-required"]);

const STATUS_TAGS: Record<string, { value: string; color: Color }> = {
  starting: { value: "Connecting", color: Color.Yellow },
  authenticating: { value: "Signing In", color: Color.Yellow },
  connecting: { value: "Connecting", color: Color.Yellow },
  connected: { value: "Connected", color: Color.Green },
  reconnecting: { value: "Reconnecting", color: Color.Yellow },
  "auth-required": { value: "Sign-In Needed", color: Color.Orange },
  error: { value: "Failed", color: Color.Red },
};

async function loadView(env: Env) {
  const loaded = await loadTunnels(env);
  // Reconciles dead workers to `stopped` as it reads (raycast.md §6.5 rule 6).
  const states = new Map<string, TunnelState>((await tunnelStatuses({ env })).map((s) => [s.id, s]));
  return { ...loaded, states };
}

const NEW_TUNNEL_SHORTCUT: Keyboard.Shortcut = { modifiers: ["cmd"], key: "n" };

export interface TunnelListProps {
  env?: Env;
  /** Connect this tunnel (id) once loaded: the menu bar's "connect" opens the view this way. */
  connectOnOpen?: string;
}

export function TunnelList({ env = process.env, connectOnOpen }: TunnelListProps) {
  const store = useLoad(() => loadView(env));
  const tunnels = store.data?.tunnels ?? [];
  const states = store.data?.states;

  async function connect(tunnel: TunnelDefinition) {
    await connectTunnel(tunnel, env, readSettings());
    store.reload();
  }

  async function disconnect(tunnel: TunnelDefinition) {
    await disconnectTunnel(tunnel, env);
    store.reload();
  }

  const autoConnected = useRef(false);
  useEffect(() => {
    if (!connectOnOpen || autoConnected.current || !store.data) return;
    autoConnected.current = true;
    const tunnel = store.data.tunnels.find((t) => t.id === connectOnOpen);
    if (tunnel && !LIVE.has(store.data.states.get(tunnel.id)?.status ?? "")) void connect(tunnel);
  }, [store.data]);
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
      if (await isRunning(env, tunnel.id)) await stopTunnel(tunnel.id, { env });
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
    <List
      isLoading={store.isLoading}
      selectedItemId={connectOnOpen}
      searchBarPlaceholder="Search tunnels by name, profile or target"
    >
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
        {tunnels.map((tunnel) => {
          const state = states?.get(tunnel.id);
          const live = LIVE.has(state?.status ?? "");
          const tag = state ? STATUS_TAGS[state.status] : undefined;
          return (
            <List.Item
              key={tunnel.id}
              id={tunnel.id}
              title={tunnel.name}
              subtitle={describeRoute(tunnel)}
              keywords={[tunnel.profile, tunnel.target, ...(tunnel.remoteHost ? [tunnel.remoteHost] : [])]}
              icon={Icon.Plug}
              accessories={[
                ...(tag ? [{ tag, tooltip: state?.lastError }] : []),
                { tag: tunnel.profile },
                { text: state?.localAddress ?? localAddress(tunnel) },
              ]}
              actions={
                <ActionPanel>
                  {live ? (
                    <Action title="Stop Tunnel" icon={Icon.Stop} onAction={() => disconnect(tunnel)} />
                  ) : (
                    <Action title="Connect Tunnel" icon={Icon.Plug} onAction={() => connect(tunnel)} />
                  )}
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
          );
        })}
      </List.Section>
    </List>
  );
}
