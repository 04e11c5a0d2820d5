// The Authenticate Profile view: SSO profiles by session, with their token state and a sign-in action.
import { Action, ActionPanel, Color, Icon, List, Toast, openExtensionPreferences, showToast } from "@raycast/api";
import { loadAwsConfig } from "../../lib/aws";
import type { Env } from "../../lib/home";
import { tokenStatusForProfiles } from "../../lib/sso/session-status";
import { readSettings } from "../settings";
import { useLoad } from "../use-load";
import { profileSections, stateLabel, type ProfileRow } from "./profile-rows";

const STATE_COLORS: Record<string, Color> = {
  valid: Color.Green,
  expiring: Color.Green,
  refreshing: Color.Yellow,
  "auth-required": Color.Orange,
  expired: Color.Red,
  "signed-out": Color.SecondaryText,
};

export interface ProfileListProps {
  env?: Env;
  /** Preselected profile, e.g. from the menu bar's "Sign in to …". */
  initialProfile?: string;
}

export function ProfileList({ env = process.env, initialProfile }: ProfileListProps) {
  const settings = readSettings();
  const data = useLoad(async () => {
    const config = await loadAwsConfig({ env, override: settings.awsConfigFile });
    const statuses = await tokenStatusForProfiles(config, env, Date.now(), settings);
    return { config, sections: profileSections(config, statuses) };
  });
  const sections = data.data?.sections ?? [];

  async function signIn(row: ProfileRow) {
    // The detached login worker is wired when the SSO engine's CLI login lands; until then point at the AWS CLI,
    // whose token cache StormTunnel shares.
    await showToast({
      style: Toast.Style.Failure,
      title: "Sign-in arrives with the SSO engine",
      message: `For now run: aws sso login --profile ${row.profile}`,
    });
  }

  return (
    <List isLoading={data.isLoading} selectedItemId={initialProfile} searchBarPlaceholder="Search SSO profiles">
      {!data.isLoading && sections.length === 0 ? (
        <List.EmptyView
          title={data.error ? "Could not read the AWS config" : "No SSO profiles"}
          description={
            data.error?.message ??
            `${data.data?.config.problems[0]?.message ?? `No IAM Identity Center profiles in ${data.data?.config.path}.`} ${
              data.data?.config.problems[0]?.fix ?? "Run `aws configure sso` to add one."
            }`
          }
          icon={Icon.Key}
          actions={
            <ActionPanel>
              <Action title="Open Extension Preferences" icon={Icon.Gear} onAction={openExtensionPreferences} />
            </ActionPanel>
          }
        />
      ) : null}
      {sections.map((section) => (
        <List.Section key={section.startUrl + section.title} title={section.title} subtitle={section.startUrl}>
          {section.rows.map((row) => (
            <List.Item
              key={row.profile}
              id={row.profile}
              title={row.profile}
              subtitle={row.detail}
              icon={Icon.Person}
              accessories={[
                {
                  tag: {
                    value: stateLabel(row.status),
                    color: STATE_COLORS[row.status?.state ?? ""] ?? Color.SecondaryText,
                  },
                  tooltip: row.status?.reason,
                },
              ]}
              actions={
                <ActionPanel>
                  <Action title="Authenticate Profile" icon={Icon.Key} onAction={() => signIn(row)} />
                  <Action.CopyToClipboard
                    title="Copy Login Command"
                    content={`aws sso login --profile ${row.profile}`}
                  />
                  <Action title="Open Extension Preferences" icon={Icon.Gear} onAction={openExtensionPreferences} />
                </ActionPanel>
              }
            />
          ))}
        </List.Section>
      ))}
    </List>
  );
}
