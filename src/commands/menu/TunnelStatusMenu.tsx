// The menu-bar item: renders at once from the last model (Raycast's Cache, through useCachedPromise), refreshes it
// from files, and runs the chosen action. A profile or tunnel that needs sign-in starts the login on click.
import {
  Color,
  Icon,
  LaunchType,
  MenuBarExtra,
  Toast,
  launchCommand,
  openExtensionPreferences,
  showToast,
  type Image,
} from "@raycast/api";
import { useCachedPromise } from "@raycast/utils";
import { useState } from "react";
import type { Env } from "../../lib/home";
import { stopAll, stopTunnel } from "../../lib/tunnels/supervisor";
import { signIn } from "../auth/sign-in";
import { refreshMenuBar } from "../launch";
import { readSettings } from "../settings";
import { toneIcon } from "../tones";
import { useUnmountSignal } from "../use-unmount-signal";
import { loadMenuModel } from "./load-menu";
import type { MenuAction, MenuItemModel, MenuTone } from "./menu-model";

/** Menu bar glyph: untinted (follows the menu bar's light/dark) unless something needs attention. */
function menuBarIcon(tone: MenuTone): Image.ImageLike {
  if (tone === "warning") return { source: Icon.Bolt, tintColor: Color.Orange };
  if (tone === "error") return { source: Icon.Bolt, tintColor: Color.Red };
  return Icon.Bolt;
}

/** Other commands may be disabled or never activated: launchCommand then throws (raycast.md §4.2). */
async function launch(name: string, context?: Record<string, string>) {
  try {
    await launchCommand({ name, type: LaunchType.UserInitiated, context });
  } catch (e) {
    await showToast({ style: Toast.Style.Failure, title: `Could not open ${name}`, message: (e as Error).message });
  }
}

/** Module-level, so its cache namespace (a hash of the function) stays the menu's own small key (raycast.md §9.3). */
async function loadMenu(env: Env, now?: () => number) {
  return loadMenuModel(env, readSettings(), now?.() ?? Date.now());
}

export function TunnelStatusMenu({ env = process.env, now }: { env?: Env; now?: () => number }) {
  const menu = useCachedPromise(loadMenu, [env, now], {
    keepPreviousData: true,
    // The menu shows its own error row; a failure toast from a menu-bar command would be noise.
    onError: () => undefined,
  });
  // An action (a sign-in follows the browser for minutes) keeps the command loaded until it is done.
  const [busy, setBusy] = useState(false);
  const signal = useUnmountSignal();
  const model = menu.data;

  async function run(action: MenuAction) {
    setBusy(true);
    try {
      switch (action.kind) {
        case "stop":
          await stopTunnel(action.tunnelId, { env });
          break;
        case "stop-all":
          await stopAll({ env });
          break;
        case "sign-in":
          // On success it relaunches this command itself, so the badge clears at once.
          await signIn(action.profile, env, readSettings(), { signal });
          menu.revalidate();
          return;
        case "connect":
          await launch("connect-tunnel", { tunnelId: action.tunnelId });
          return;
        case "authenticate":
          await launch("authenticate-profile");
          return;
        case "open-tunnels":
          await launch("connect-tunnel");
          return;
        case "preferences":
          await openExtensionPreferences();
          return;
      }
      // Raycast may not re-render after onAction: re-read now, and relaunch in the background (raycast.md §4.3).
      menu.revalidate();
      await refreshMenuBar();
    } catch (e) {
      await showToast({ style: Toast.Style.Failure, title: "Could not finish that", message: (e as Error).message });
    } finally {
      setBusy(false);
    }
  }

  const item = (i: MenuItemModel) => (
    <MenuBarExtra.Item
      key={i.key}
      title={i.title}
      subtitle={i.subtitle}
      tooltip={i.tooltip}
      icon={i.tone ? toneIcon(i.tone) : undefined}
      onAction={i.action ? () => run(i.action!) : undefined}
      alternate={i.alternate ? item(i.alternate) : undefined}
    />
  );

  return (
    <MenuBarExtra
      isLoading={menu.isLoading || busy}
      icon={menuBarIcon(model?.tone ?? "idle")}
      title={model?.title}
      tooltip={model?.tooltip ?? "StormTunnel"}
    >
      {menu.error ? (
        <MenuBarExtra.Item
          title={`Error: ${menu.error.message}`}
          icon={toneIcon("error")}
          onAction={() => menu.revalidate()}
        />
      ) : null}
      {model?.sections.map((section) => (
        <MenuBarExtra.Section key={section.key} title={section.title}>
          {section.items.map(item)}
        </MenuBarExtra.Section>
      ))}
    </MenuBarExtra>
  );
}
