// Raycast entry: Connect Tunnel (view). The screen lives in src/commands/tunnels.
import type { LaunchProps } from "@raycast/api";
import { TunnelList } from "./commands/tunnels/TunnelList";

/** `tunnel` (a name) is the command's argument: typed in root search, or filled in by a quicklink. */
type Props = LaunchProps<{ arguments: { tunnel?: string }; launchContext?: { tunnelId?: string } }>;

export default function Command(props: Props) {
  return (
    <TunnelList connectOnOpen={props.launchContext?.tunnelId} connectName={props.arguments?.tunnel || undefined} />
  );
}
