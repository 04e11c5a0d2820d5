// The Authenticate Profile view: SSO profiles by session, with their token state, how long it lasts and whether it
// renews by itself; Sign In, Refresh Now, Sign Out and Cancel Sign-In act on the whole SSO session.
import { Action, ActionPanel, Color, Icon, Keyboard, List, openExtensionPreferences } from "@raycast/api";
import { useState } from "react";
import { loadAwsConfig } from "../../lib/aws";
import type { Env } from "../../lib/home";
import { isLiveLogin, readLoginProgress } from "../../lib/sso/login/state";
import { tokenStatusForProfiles } from "../../lib/sso/session-status";
import { readSettings } from "../settings";
import { useLoad } from "../use-load";
import { useUnmountSignal } from "../use-unmount-signal";
import { ConfigProblemsSection } from "./ConfigProblems";
import {
  profileSections,
  renewalNote,
  stateLabel,
  timeLeft,
  type ProfileRow,
  type SessionSection,
} from "./profile-rows";
import { refreshNow, signOut } from "./session-actions";
import { cancelSignIn, signIn } from "./sign-in";

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
  /** Preselected profile, e.g. from the menu bar's "Authenticate Profile…". */
  initialProfile?: string;
}

async function loadProfiles(env: Env) {
  const settings = readSettings();
  const now = Date.now();
  const config = await loadAwsConfig({ env, override: settings.awsConfigFile });
  const statuses = await tokenStatusForProfiles(config, env, now, settings);
  const sections = profileSections(config, statuses);
  // Sessions with a login running now (in any process): they offer Cancel Sign-In.
  const signingIn = new Set<string>();
  await Promise.all(
    sections.map(async (s) => {
      if (isLiveLogin(await readLoginProgress(env, s.group))) signingIn.add(s.tokenCacheKey);
    }),
  );
  return { config, sections, signingIn, now };
}

export function ProfileList({ env = process.env, initialProfile }: ProfileListProps) {
  const data = useLoad(() => loadProfiles(env));
  const signal = useUnmountSignal();
  const [working, setWorking] = useState(false);
  const sections = data.data?.sections ?? [];
  const configPath = data.data?.config.path;

  async function act(fn: () => Promise<unknown>) {
    setWorking(true);
    try {
      await fn();
    } finally {
      setWorking(false);
      data.reload();
    }
  }

  function actions(row: ProfileRow, section: SessionSection) {
    const settings = readSettings();
    const signingIn = data.data?.signingIn.has(section.tokenCacheKey);
    return (
      <ActionPanel>
        <ActionPanel.Section title={section.title}>
          {row.status?.silentRefresh === "sign-in-to-enable" ? (
            // The AWS CLI's token has no refresh token; StormTunnel's own sign-in gets one.
            <Action
              title="Sign in with StormTunnel to Refresh Automatically"
              icon={Icon.ArrowClockwise}
              onAction={() => act(() => signIn(row.profile, env, settings, { signal, onProgress: data.reload }))}
            />
          ) : null}
          <Action
            title="Sign in"
            icon={Icon.Key}
            onAction={() => act(() => signIn(row.profile, env, settings, { signal, onProgress: data.reload }))}
          />
          {signingIn ? (
            <Action
              title="Cancel Sign-In"
              icon={Icon.XMarkCircle}
              shortcut={{ modifiers: ["ctrl"], key: "x" }}
              onAction={() => act(() => cancelSignIn(env, section.group))}
            />
          ) : null}
          <Action
            title="Refresh Now"
            icon={Icon.ArrowClockwise}
            shortcut={Keyboard.Shortcut.Common.Refresh}
            onAction={() => act(() => refreshNow(section.group, env, settings))}
          />
          <Action
            title="Sign out"
            icon={Icon.Logout}
            style={Action.Style.Destructive}
            shortcut={{ modifiers: ["ctrl", "shift"], key: "x" }}
            onAction={() => act(() => signOut(section.group, env, settings))}
          />
        </ActionPanel.Section>
        <ActionPanel.Section>
          <Action.CopyToClipboard
            title="Copy Profile Name"
            content={row.profile}
            shortcut={Keyboard.Shortcut.Common.CopyName}
          />
          <Action.CopyToClipboard title="Copy Login Command" content={`aws sso login --profile ${row.profile}`} />
          {configPath ? (
            <Action.Open
              title="Open AWS Config"
              icon={Icon.Document}
              target={configPath}
              shortcut={Keyboard.Shortcut.Common.Open}
            />
          ) : null}
          <Action title="Open Extension Preferences" icon={Icon.Gear} onAction={openExtensionPreferences} />
        </ActionPanel.Section>
      </ActionPanel>
    );
  }

  const now = data.data?.now ?? Date.now();
  return (
    <List
      isLoading={data.isLoading || working}
      selectedItemId={initialProfile}
      searchBarPlaceholder="Search SSO profiles"
    >
      {!data.isLoading && sections.length === 0 ? (
        <List.EmptyView
          title={data.error ? "Could not read the AWS config" : "No SSO profiles"}
          description={
            data.error?.message ??
            `${data.data?.config.problems[0]?.message ?? `No IAM Identity Center profiles in ${configPath}.`} ${
              data.data?.config.problems[0]?.fix ?? "Run `aws configure sso` to add one."
            }`
          }
          icon={Icon.Key}
          actions={
            <ActionPanel>
              <Action title="Open Extension Preferences" icon={Icon.Gear} onAction={openExtensionPreferences} />
              {configPath && data.data?.config.exists ? (
                <Action.Open title="Open AWS Config" icon={Icon.Document} target={configPath} />
              ) : null}
            </ActionPanel>
          }
        />
      ) : null}
      {sections.map((section) => (
        <List.Section key={section.startUrl + section.title} title={section.title} subtitle={section.startUrl}>
          {section.rows.map((row) => {
            const status = row.status;
            const signingIn = data.data?.signingIn.has(section.tokenCacheKey);
            return (
              <List.Item
                key={row.profile}
                id={row.profile}
                title={row.profile}
                subtitle={row.detail}
                icon={Icon.Person}
                accessories={[
                  ...(status?.refreshable !== undefined
                    ? [
                        {
                          icon: status.refreshable ? Icon.ArrowClockwise : Icon.Hourglass,
                          tooltip: renewalNote(status),
                        },
                      ]
                    : []),
                  ...(status?.expiresAt !== undefined && status.state !== "signed-out"
                    ? [
                        {
                          text: timeLeft(status, now),
                          tooltip: `Access token valid until ${new Date(status.expiresAt).toLocaleString()}`,
                        },
                      ]
                    : []),
                  {
                    tag: {
                      value: signingIn ? "Signing In" : stateLabel(status),
                      color: signingIn ? Color.Yellow : (STATE_COLORS[status?.state ?? ""] ?? Color.SecondaryText),
                    },
                    tooltip: status?.reason,
                  },
                ]}
                actions={actions(row, section)}
              />
            );
          })}
        </List.Section>
      ))}
      {data.data && sections.length > 0 ? (
        <ConfigProblemsSection path={data.data.config.path} problems={data.data.config.problems} />
      ) : null}
    </List>
  );
}
