// The Connect Tunnel view: saved tunnels in sections by state, kept current while open; one primary action per
// state (Sign In, Stop, Connect), details, copy/open helpers, create, edit, duplicate and delete.
import { Action, ActionPanel, Alert, Icon, Keyboard, List, Toast, confirmAlert, showToast } from "@raycast/api";
import { useEffect, useRef, useState } from "react";
import type { Env } from "../../lib/home";
import type { TunnelDefinition } from "../../lib/tunnels/definition";
import { describeRoute, localAddress } from "../../lib/tunnels/route";
import { groupTunnels } from "../../lib/tunnels/status-vocabulary";
import { removeTunnel, tunnelsFile } from "../../lib/tunnels/store";
import { isRunning, stopTunnel } from "../../lib/tunnels/supervisor";
import { signIn } from "../auth/sign-in";
import { readSettings } from "../settings";
import { useUnmountSignal } from "../use-unmount-signal";
import { TONE_COLORS, toneIcon } from "../tones";
import { connectTunnel, disconnectTunnel, restartTunnel, stopAllTunnels } from "./connect";
import { FirstRunSection, TunnelsEmptyView } from "./EmptyStates";
import { TunnelActions, type TunnelHandlers } from "./TunnelActions";
import { TunnelDetail } from "./TunnelDetail";
import { TunnelForm } from "./TunnelForm";
import { useTunnelView, type TunnelRow } from "./use-tunnel-view";

const NEW_TUNNEL_SHORTCUT: Keyboard.Shortcut = Keyboard.Shortcut.Common.New;
const MAX_REASON = 60;

export interface TunnelListProps {
  env?: Env;
  /** Connect this tunnel (id) once loaded: the menu bar's "connect" opens the view this way. */
  connectOnOpen?: string;
  /** Connect the tunnel with this name (the command's argument, e.g. from a quicklink). */
  connectName?: string;
  /** Poll interval of the state files (tests shorten it). */
  pollMs?: number;
}

function clip(text: string): string {
  return text.length > MAX_REASON ? `${text.slice(0, MAX_REASON - 1)}…` : text;
}

export function TunnelList({ env = process.env, connectOnOpen, connectName, pollMs }: TunnelListProps) {
  const view = useTunnelView(env, pollMs);
  const signal = useUnmountSignal();
  const [showingDetail, setShowingDetail] = useState(false);
  const [working, setWorking] = useState(false);
  const rows = view.data?.rows ?? [];
  const live = rows.filter((r) => r.view.live);

  async function busy(fn: () => Promise<unknown>) {
    setWorking(true);
    try {
      await fn();
    } finally {
      setWorking(false);
      view.reload();
    }
  }

  const handlers: TunnelHandlers = {
    connect: (t) => busy(() => connectTunnel(t, env, readSettings(), signal)),
    stop: (t) => busy(() => disconnectTunnel(t, env)),
    // The worker waits for the new token and reconnects by itself; the poll shows it within seconds.
    signIn: (t) => busy(() => signIn(t.profile, env, readSettings(), { signal })),
    remove: (t) => busy(() => remove(t)),
    stopAll: () => busy(() => stopAllTunnels(env, live.length)),
    reload: () => view.reload(),
    toggleDetail: () => setShowingDetail((s) => !s),
  };

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
  }

  // Launched to connect one tunnel (menu bar, quicklink): do it once the list is loaded. One waiting for a sign-in
  // gets the same one-click Sign In as its primary action; one already connected is only selected.
  const autoConnected = useRef(false);
  useEffect(() => {
    if ((!connectOnOpen && !connectName) || autoConnected.current || !view.data) return;
    autoConnected.current = true;
    const wanted = connectName?.trim().toLowerCase();
    const row = view.data.rows.find(
      (r) => r.definition.id === connectOnOpen || (wanted && r.definition.name.toLowerCase() === wanted),
    );
    if (!row) {
      void showToast({
        style: Toast.Style.Failure,
        title: `No tunnel named "${connectName ?? connectOnOpen}"`,
        message: "Pick one from the list, or create it.",
      });
    } else if (row.view.needsUser) void handlers.signIn(row.definition);
    else if (!row.view.live) void handlers.connect(row.definition);
  }, [view.data]);

  const createAction = (
    <Action.Push
      title="Create Tunnel"
      icon={Icon.Plus}
      shortcut={NEW_TUNNEL_SHORTCUT}
      target={<TunnelForm env={env} onSaved={view.reload} />}
    />
  );
  const problems = [...(view.data?.problems ?? []), ...(view.error ? [view.error.message] : [])];
  const selected =
    connectOnOpen ?? rows.find((r) => r.definition.name.toLowerCase() === connectName?.toLowerCase())?.definition.id;

  function item(row: TunnelRow) {
    const t = row.definition;
    const reason = row.view.reason;
    return (
      <List.Item
        key={t.id}
        id={t.id}
        title={t.name}
        subtitle={showingDetail ? undefined : describeRoute(t)}
        keywords={[t.profile, t.target, ...(t.remoteHost ? [t.remoteHost] : [])]}
        icon={toneIcon(row.view.tone)}
        accessories={[
          ...(reason ? [{ text: clip(reason), tooltip: reason }] : []),
          { tag: { value: row.view.label, color: TONE_COLORS[row.view.tone] }, tooltip: row.view.hint },
          { tag: t.profile },
          { text: row.state?.localAddress ?? localAddress(t) },
        ]}
        detail={showingDetail ? <TunnelDetail env={env} row={row} /> : undefined}
        actions={
          <TunnelActions
            env={env}
            row={row}
            handlers={handlers}
            showingDetail={showingDetail}
            anyLive={live.length > 0}
            createAction={createAction}
            editForm={
              <TunnelForm
                env={env}
                tunnel={t}
                running={row.view.live}
                onSaved={(saved, { restart }) => {
                  view.reload();
                  if (restart) void busy(() => restartTunnel(saved, env, readSettings(), signal));
                }}
              />
            }
            duplicateForm={<TunnelForm env={env} template={t} onSaved={view.reload} />}
          />
        }
      />
    );
  }

  return (
    <List
      isLoading={view.isLoading || working}
      isShowingDetail={showingDetail && rows.length > 0}
      selectedItemId={selected}
      searchBarPlaceholder="Search tunnels by name, profile or target"
    >
      {!view.isLoading && rows.length === 0 && problems.length === 0 ? (
        <TunnelsEmptyView config={view.data?.config} pending={view.data?.notYetRan ?? []} createAction={createAction} />
      ) : null}
      {problems.length > 0 ? (
        <List.Section title="Needs Attention">
          {problems.map((problem, i) => (
            <List.Item
              key={`problem-${i}`}
              title={problem}
              icon={toneIcon("warning")}
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
      {groupTunnels(
        rows,
        (r) => r.view,
        (r) => r.definition.name,
      ).map((section) => (
        <List.Section key={section.group} title={section.title} subtitle={String(section.items.length)}>
          {section.items.map(item)}
        </List.Section>
      ))}
      {rows.length > 0 ? <FirstRunSection pending={view.data?.notYetRan ?? []} onHidden={view.reload} /> : null}
    </List>
  );
}
