// The menu-bar item: maps the menu model to MenuBarExtra and runs the chosen action.
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
import type { Env } from "../../lib/home";
import { stopAll, stopTunnel } from "../../lib/tunnels/supervisor";
import { readSettings } from "../settings";
import { useLoad } from "../use-load";
import { loadMenuModel } from "./load-menu";
import type { MenuAction, MenuTone } from "./menu-model";

const TONE_ICONS: Record<MenuTone, Image.ImageLike> = {
  ok: { source: Icon.CircleFilled, tintColor: Color.Green },
  busy: { source: Icon.CircleProgress50, tintColor: Color.Yellow },
  warning: { source: Icon.Warning, tintColor: Color.Orange },
  error: { source: Icon.XMarkCircle, tintColor: Color.Red },
  idle: { source: Icon.Circle, tintColor: Color.SecondaryText },
};

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

export function TunnelStatusMenu({ env = process.env, now }: { env?: Env; now?: () => number }) {
  const settings = readSettings();
  const menu = useLoad(() => loadMenuModel(env, settings, now?.() ?? Date.now()));
  const model = menu.data;

  async function run(action: MenuAction) {
    switch (action.kind) {
      case "stop":
        await stopTunnel(action.tunnelId, { env });
        break;
      case "stop-all":
        await stopAll({ env });
        break;
      case "connect":
        await launch("connect-tunnel", { tunnelId: action.tunnelId });
        break;
      case "authenticate":
        await launch("authenticate-profile", action.profile ? { profile: action.profile } : undefined);
        break;
      case "open-tunnels":
        await launch("connect-tunnel");
        break;
      case "preferences":
        await openExtensionPreferences();
        break;
    }
    // Raycast may not re-render after onAction: reload so a still-open menu shows the change.
    menu.reload();
  }

  return (
    <MenuBarExtra
      isLoading={menu.isLoading}
      icon={menuBarIcon(model?.tone ?? "idle")}
      title={model?.title}
      tooltip={model?.tooltip ?? "StormTunnel"}
    >
      {menu.error ? (
        <MenuBarExtra.Item
          title={`Error: ${menu.error.message}`}
          icon={TONE_ICONS.error}
          onAction={() => menu.reload()}
        />
      ) : null}
      {model?.sections.map((section) => (
        <MenuBarExtra.Section key={section.key} title={section.title}>
          {section.items.map((item) => {
            const action = item.action;
            return (
              <MenuBarExtra.Item
                key={item.key}
                title={item.title}
                subtitle={item.subtitle}
                tooltip={item.tooltip}
                icon={item.tone ? TONE_ICONS[item.tone] : undefined}
                onAction={action ? () => run(action) : undefined}
              />
            );
          })}
        </MenuBarExtra.Section>
      ))}
    </MenuBarExtra>
  );
}
