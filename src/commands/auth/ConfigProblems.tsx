// The AWS config's problems (section, key, what is wrong, how to fix), shown beside the profiles that did load, so a
// broken section is explained instead of silently missing from the list.
import { Action, ActionPanel, Color, Icon, List } from "@raycast/api";
import type { ConfigProblem } from "../../lib/aws/types";

export function problemTitle(p: ConfigProblem): string {
  const where = p.section ? `[${p.section}]` : "AWS config";
  return p.key ? `${where} ${p.key}` : where;
}

export function ConfigProblemsSection({ path, problems }: { path: string; problems: ConfigProblem[] }) {
  if (problems.length === 0) return null;
  return (
    <List.Section title="Problems in the AWS Config" subtitle={path}>
      {problems.map((p, i) => (
        <List.Item
          key={`problem-${i}`}
          title={problemTitle(p)}
          subtitle={p.message}
          icon={{
            source: p.severity === "error" ? Icon.XMarkCircle : Icon.Warning,
            tintColor: p.severity === "error" ? Color.Red : Color.Orange,
          }}
          accessories={[{ text: p.line ? `line ${p.line}` : undefined, tooltip: p.fix }]}
          actions={
            <ActionPanel>
              <Action.CopyToClipboard title="Copy How to Fix" content={p.fix} />
              <Action.Open title="Open AWS Config" target={path} icon={Icon.Document} />
            </ActionPanel>
          }
        />
      ))}
    </List.Section>
  );
}
