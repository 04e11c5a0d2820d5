// A tunnel's actions. The primary one follows its state: Sign In when it waits for a sign-in, Stop while its worker
// runs, Connect otherwise. The rest are always there.
import { Action, ActionPanel, Icon, Keyboard } from "@raycast/api";
import { createDeeplink } from "@raycast/utils";
import type { ReactElement } from "react";
import { logPath } from "../../lib/tunnels/state";
import { localAddress } from "../../lib/tunnels/route";
import type { Env } from "../../lib/home";
import type { TunnelDefinition } from "../../lib/tunnels/definition";
import { connectionString } from "./connection-strings";
import type { TunnelRow } from "./use-tunnel-view";

export interface TunnelHandlers {
  connect(t: TunnelDefinition): Promise<void>;
  stop(t: TunnelDefinition): Promise<void>;
  signIn(t: TunnelDefinition): Promise<void>;
  remove(t: TunnelDefinition): Promise<void>;
  stopAll(): Promise<void>;
  reload(): void;
  toggleDetail(): void;
}

export interface TunnelActionsProps {
  env: Env;
  row: TunnelRow;
  handlers: TunnelHandlers;
  showingDetail: boolean;
  /** Any tunnel's worker runs: Stop All applies. */
  anyLive: boolean;
  editForm: ReactElement;
  duplicateForm: ReactElement;
  createAction: ReactElement;
}

export const SHORTCUTS = {
  stop: { modifiers: ["ctrl"], key: "x" },
  stopAll: { modifiers: ["ctrl", "shift"], key: "x" },
  details: { modifiers: ["cmd"], key: "i" },
  duplicate: { modifiers: ["cmd"], key: "d" },
  log: { modifiers: ["cmd"], key: "l" },
  connectionString: { modifiers: ["cmd", "shift"], key: "u" },
  quicklink: { modifiers: ["cmd", "shift"], key: "l" },
} satisfies Record<string, Keyboard.Shortcut>;

export function TunnelActions(props: TunnelActionsProps) {
  const { env, row, handlers, showingDetail, anyLive } = props;
  const t = row.definition;
  const { view } = row;
  const address = row.state?.localAddress ?? localAddress(t);
  const connection = connectionString(t);

  const signIn = <Action key="sign-in" title="Sign in" icon={Icon.Key} onAction={() => handlers.signIn(t)} />;
  const stop = (
    <Action
      key="stop"
      title="Stop Tunnel"
      icon={Icon.Stop}
      shortcut={SHORTCUTS.stop}
      onAction={() => handlers.stop(t)}
    />
  );
  const connect = <Action key="connect" title="Connect Tunnel" icon={Icon.Plug} onAction={() => handlers.connect(t)} />;
  const primary = view.needsUser ? [signIn, stop] : view.live ? [stop] : [connect];

  return (
    <ActionPanel title={t.name}>
      <ActionPanel.Section>
        {primary}
        <Action
          title={showingDetail ? "Hide Details" : "Show Details"}
          icon={Icon.Sidebar}
          shortcut={SHORTCUTS.details}
          onAction={handlers.toggleDetail}
        />
        <Action.Open title="Open Log" icon={Icon.Document} target={logPath(env, t.id)} shortcut={SHORTCUTS.log} />
      </ActionPanel.Section>
      <ActionPanel.Section>
        <Action.CopyToClipboard title="Copy Local Address" content={address} shortcut={Keyboard.Shortcut.Common.Copy} />
        {connection ? (
          <Action.CopyToClipboard
            title={`Copy ${connection.kind}`}
            content={connection.value}
            shortcut={SHORTCUTS.connectionString}
          />
        ) : null}
        {connection?.browsable ? (
          <Action.OpenInBrowser url={connection.value} shortcut={Keyboard.Shortcut.Common.Open} />
        ) : null}
        <Action.CreateQuicklink
          title="Create Quicklink"
          icon={Icon.Link}
          shortcut={SHORTCUTS.quicklink}
          quicklink={{
            name: `Connect ${t.name}`,
            link: createDeeplink({ command: "connect-tunnel", arguments: { tunnel: t.name } }),
          }}
        />
      </ActionPanel.Section>
      <ActionPanel.Section>
        <Action.Push
          title="Edit Tunnel"
          icon={Icon.Pencil}
          shortcut={Keyboard.Shortcut.Common.Edit}
          target={props.editForm}
        />
        <Action.Push
          title="Duplicate Tunnel"
          icon={Icon.CopyClipboard}
          shortcut={SHORTCUTS.duplicate}
          target={props.duplicateForm}
        />
        {props.createAction}
        <Action
          title="Delete Tunnel"
          icon={Icon.Trash}
          style={Action.Style.Destructive}
          shortcut={Keyboard.Shortcut.Common.Remove}
          onAction={() => handlers.remove(t)}
        />
      </ActionPanel.Section>
      <ActionPanel.Section>
        {anyLive ? (
          <Action
            title="Stop All Tunnels"
            icon={Icon.StopFilled}
            style={Action.Style.Destructive}
            shortcut={SHORTCUTS.stopAll}
            onAction={handlers.stopAll}
          />
        ) : null}
        <Action
          title="Refresh"
          icon={Icon.ArrowClockwise}
          shortcut={Keyboard.Shortcut.Common.Refresh}
          onAction={handlers.reload}
        />
      </ActionPanel.Section>
    </ActionPanel>
  );
}
