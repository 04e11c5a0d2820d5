// The details pane of a tunnel: where it goes, how it is doing, its sign-in, why it stopped, and its last log lines.
import { List } from "@raycast/api";
import { formatBytes } from "../../lib/format";
import type { Env } from "../../lib/home";
import { readLogTail } from "../../lib/tunnels/log-tail";
import { describeRoute, localAddress } from "../../lib/tunnels/route";
import { countdown } from "../profile-status";
import { TONE_COLORS } from "../tones";
import { useLoad } from "../use-load";
import type { TunnelRow } from "./use-tunnel-view";

function when(ms: number | string | undefined): string | undefined {
  if (ms === undefined) return undefined;
  return new Date(ms).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

/** Markdown of the log's last lines; the log holds no secrets (the worker never logs tokens). */
function logMarkdown(lines: string[] | undefined): string {
  if (!lines) return "";
  if (lines.length === 0) return "_No log yet: the tunnel has not run._";
  return ["**Last log lines**", "", "```", ...lines.map((l) => l.replace(/```/g, "'''")), "```"].join("\n");
}

export function TunnelDetail({ env, row }: { env: Env; row: TunnelRow }) {
  const { definition: t, state, view, profile } = row;
  // Re-read when the worker writes its state (it logs what it does at the same time).
  const log = useLoad(() => readLogTail(env, t.id), `${t.id}:${state?.updatedAt ?? ""}`);
  const Label = List.Item.Detail.Metadata.Label;
  const now = Date.now();
  return (
    <List.Item.Detail
      isLoading={log.isLoading}
      markdown={logMarkdown(log.data)}
      metadata={
        <List.Item.Detail.Metadata>
          <List.Item.Detail.Metadata.TagList title="Status">
            <List.Item.Detail.Metadata.TagList.Item text={view.label} color={TONE_COLORS[view.tone]} />
          </List.Item.Detail.Metadata.TagList>
          {view.reason ? <Label title={view.group === "failed" ? "Reason" : "Last Error"} text={view.reason} /> : null}
          <Label title="Route" text={describeRoute(t)} />
          <Label title="Local Address" text={state?.localAddress ?? localAddress(t)} />
          <Label title="Profile" text={t.region ? `${t.profile} · ${t.region}` : t.profile} />
          {state?.sessionId ? <Label title="Session ID" text={state.sessionId} /> : null}
          {state ? <Label title={`${view.label} Since`} text={when(state.since)} /> : null}
          {state ? (
            <Label title="Bytes In / Out" text={`${formatBytes(state.bytesIn)} / ${formatBytes(state.bytesOut)}`} />
          ) : null}
          {state ? (
            <Label title="Open Connections" text={`${state.activeConnections} (${state.connections} in total)`} />
          ) : null}
          {(state?.sessions?.length ?? 0) > 1
            ? state!.sessions!.map((m) => (
                <Label
                  key={`member-${m.slot}`}
                  title={`Session ${m.slot}`}
                  text={[
                    m.status,
                    m.sessionId,
                    `${m.activeConnections} open`,
                    `${formatBytes(m.bytesIn)} / ${formatBytes(m.bytesOut)}`,
                    m.lastError,
                  ]
                    .filter(Boolean)
                    .join(" · ")}
                />
              ))
            : null}
          <List.Item.Detail.Metadata.Separator />
          {profile?.expiresAt !== undefined ? (
            <Label title="Token Valid Until" text={when(profile.expiresAt)} />
          ) : (
            <Label title="Token" text={profile?.reason ?? "Not signed in"} />
          )}
          {profile?.idpSessionEnd !== undefined ? (
            <Label title="SSO Session Ends At" text={when(profile.idpSessionEnd)} />
          ) : profile?.state ? (
            <Label title="Sign-In" text={countdown(profile, now)} />
          ) : null}
        </List.Item.Detail.Metadata>
      }
    />
  );
}
