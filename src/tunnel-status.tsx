// Raycast entry: Tunnel Status (menu bar, every minute). The menu lives in src/commands/menu.
import { TunnelStatusMenu } from "./commands/menu/TunnelStatusMenu";

export default function Command() {
  return <TunnelStatusMenu />;
}
