// Raycast entry: Authenticate Profile (view). The screen lives in src/commands/auth.
import type { LaunchProps } from "@raycast/api";
import { ProfileList } from "./commands/auth/ProfileList";

export default function Command(props: LaunchProps<{ launchContext?: { profile?: string } }>) {
  return <ProfileList initialProfile={props.launchContext?.profile} />;
}
