// Raycast entry: Connect Tunnel (view). The screen lives in src/commands/tunnels.
import type { LaunchProps } from "@raycast/api";
import { TunnelList } from "./commands/tunnels/TunnelList";

export default function Command(props: LaunchProps<{ launchContext?: { tunnelId?: string } }>) {
  return <TunnelList connectOnOpen={props.launchContext?.tunnelId} />;
}
