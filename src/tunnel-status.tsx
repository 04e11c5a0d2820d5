// Raycast entry: Tunnel Status (menu bar, every minute). The menu lives in src/commands/menu.
import { useEffect } from "react";
import { markRan } from "./commands/first-run";
import { TunnelStatusMenu } from "./commands/menu/TunnelStatusMenu";

export default function Command() {
  useEffect(() => void markRan("tunnel-status"), []);
  return <TunnelStatusMenu />;
}
