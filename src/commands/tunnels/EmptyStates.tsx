// What Connect Tunnel shows before there is anything to connect: no AWS config, no SSO profile, no tunnel yet; and the
// first-run hint that Raycast starts its background commands only once they have been opened.
import {
  Action,
  ActionPanel,
  Icon,
  LaunchType,
  List,
  Toast,
  launchCommand,
  openExtensionPreferences,
  showToast,
} from "@raycast/api";
import type { ReactElement } from "react";
import type { AwsConfig } from "../../lib/aws";
import { hideFirstRunHint, type BACKGROUND_COMMANDS } from "../first-run";

export const SSO_SNIPPET = `[sso-session my-sso]
sso_start_url = https://my-company.awsapps.com/start
sso_region = us-east-1
sso_registration_scopes = sso:account:access

[profile dev]
sso_session = my-sso
sso_account_id = 111122223333
sso_role_name = Developer
region = us-east-1
`;

type Pending = (typeof BACKGROUND_COMMANDS)[number];

async function open(name: string, title: string): Promise<void> {
  try {
    await launchCommand({ name, type: LaunchType.UserInitiated });
  } catch (e) {
    await showToast({ style: Toast.Style.Failure, title: `Could not open ${title}`, message: (e as Error).message });
  }
}

function openActions(pending: readonly Pending[]) {
  return pending.map((c) => (
    <Action key={c.name} title={`Open ${c.title}`} icon={Icon.Play} onAction={() => open(c.name, c.title)} />
  ));
}

function firstRunSentence(pending: readonly Pending[]): string {
  if (pending.length === 0) return "";
  const names = pending.map((c) => c.title).join(" and ");
  return ` Open ${names} once: Raycast runs ${pending.length === 1 ? "it" : "them"} in the background only after that.`;
}

export interface EmptyStateProps {
  config?: AwsConfig;
  pending: readonly Pending[];
  createAction: ReactElement;
}

/** The one empty view that applies, most basic first: no config, no usable profile, no tunnel. */
export function TunnelsEmptyView({ config, pending, createAction }: EmptyStateProps) {
  const configActions = [
    <Action.CopyToClipboard key="configure" title="Copy Configure Command" content="aws configure sso" />,
    <Action.CopyToClipboard key="snippet" title="Copy SSO Config Snippet" content={SSO_SNIPPET} />,
    <Action key="prefs" title="Open Extension Preferences" icon={Icon.Gear} onAction={openExtensionPreferences} />,
  ];
  if (config && !config.exists) {
    return (
      <List.EmptyView
        title="No AWS config yet"
        description={`StormTunnel signs in with IAM Identity Center (SSO) profiles from ${config.path}. Run \`aws configure sso\` in a terminal, paste the SSO snippet into that file, or point the preferences at your config.`}
        icon={Icon.Document}
        actions={<ActionPanel>{configActions}</ActionPanel>}
      />
    );
  }
  if (config && !config.profiles.some((p) => p.usableForTunnels)) {
    const problem = config.problems.find((p) => p.severity === "error");
    return (
      <List.EmptyView
        title="No SSO profile can open tunnels"
        description={`${problem ? `${problem.message} ${problem.fix} ` : ""}Add an [sso-session] and a profile with sso_account_id and sso_role_name to ${config.path} (\`aws configure sso\` writes them).`}
        icon={Icon.Person}
        actions={
          <ActionPanel>
            {configActions}
            <Action.Open key="open" title="Open AWS Config" icon={Icon.Document} target={config.path} />
          </ActionPanel>
        }
      />
    );
  }
  return (
    <List.EmptyView
      title="No tunnels yet"
      description={`Create a tunnel to forward a local port through Session Manager to an instance, or to a database behind it.${firstRunSentence(pending)}`}
      icon={Icon.Plug}
      actions={
        <ActionPanel>
          {createAction}
          {openActions(pending)}
        </ActionPanel>
      }
    />
  );
}

/** Shown below the tunnels until both background commands have run once (or the user hides it). */
export function FirstRunSection({ pending, onHidden }: { pending: readonly Pending[]; onHidden: () => void }) {
  if (pending.length === 0) return null;
  return (
    <List.Section title="Get Started">
      <List.Item
        id="first-run"
        title={`Open ${pending.map((c) => c.title).join(" and ")} once`}
        subtitle="Raycast runs background commands only after they have been opened"
        icon={Icon.LightBulb}
        actions={
          <ActionPanel>
            {openActions(pending)}
            <Action
              title="Hide This Hint"
              icon={Icon.EyeDisabled}
              onAction={async () => {
                await hideFirstRunHint();
                onHidden();
              }}
            />
          </ActionPanel>
        }
      />
    </List.Section>
  );
}
