// Raycast entry: Connect Tunnel (view). The screen lives in src/commands/tunnels.
import { TunnelList } from "./commands/tunnels/TunnelList";

export default function Command() {
  return <TunnelList />;
}
