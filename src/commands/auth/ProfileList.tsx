// The Authenticate Profile view: SSO profiles by session, with their token state and a sign-in action.
import {
  Action,
  ActionPanel,
  Clipboard,
  Color,
  Icon,
  List,
  Toast,
  open,
  openExtensionPreferences,
  showToast,
} from "@raycast/api";
import { loadAwsConfig } from "../../lib/aws";
import type { Env } from "../../lib/home";
import { tokenStatusForProfiles } from "../../lib/sso/session-status";
import { syncMirrors } from "../mirrors/sync-mirrors";
import { readSettings } from "../settings";
import { useLoad } from "../use-load";
import { ConfigProblemsSection } from "./ConfigProblems";
import { followLogin } from "./follow-login";
import { startLoginWorker } from "./login-worker";
import { profileSections, stateLabel, type ProfileRow, type SessionSection } from "./profile-rows";

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

  async function signIn(row: ProfileRow, section: SessionSection) {
    const since = Date.now();
    // Spawn before any await on UI: a toast or HUD can start this command's teardown (raycast.md §6.5 rule 2).
    const started = startLoginWorker(row.profile, env, settings);
    const toast = await showToast({ style: Toast.Style.Animated, title: `Signing in to ${section.title}…` });
    try {
      await started;
    } catch (e) {
      toast.style = Toast.Style.Failure;
      toast.title = "Could not start the sign-in";
      toast.message = (e as Error).message;
      return;
    }
    const final = await followLogin(env, section, {
      since,
      onProgress: (p) => {
        if (p.status === "waiting-for-device-code" && p.userCode) {
          toast.message = `Enter code ${p.userCode} in the browser`;
          toast.primaryAction = { title: "Copy Code", onAction: () => Clipboard.copy(p.userCode ?? "") };
        } else if (p.status === "waiting-for-browser") {
          toast.message = p.browserError ?? "Finish signing in in your browser";
          if (p.authorizeUrl) {
            const url = p.authorizeUrl;
            toast.primaryAction = { title: "Open Sign-In Page", onAction: () => open(url) };
          }
        }
      },
    });
    if (final?.status === "succeeded") {
      // The new token is on disk: copy it to the mirrors now rather than at the next background run.
      const mirrors = await syncMirrors(env, settings);
      toast.style = Toast.Style.Success;
      toast.title = `Signed in to ${section.title}`;
      toast.message = mirrors.note;
      data.reload();
    } else {
      toast.style = Toast.Style.Failure;
      toast.title = final?.status === "cancelled" ? "Sign-in cancelled" : "Sign-in failed";
      toast.message = final?.error ?? (final ? undefined : "No answer from the sign-in page in time");
    }
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
                  <Action title="Authenticate Profile" icon={Icon.Key} onAction={() => signIn(row, section)} />
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
      {data.data && sections.length > 0 ? (
        <ConfigProblemsSection path={data.data.config.path} problems={data.data.config.problems} />
      ) : null}
    </List>
  );
}
