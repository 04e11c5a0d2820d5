// What Connect Tunnel shows, re-read every ~2 s while the view is open: saved tunnels, their state files (reconciled
// against one process listing), and the token state of their profiles. Files only: no AWS call, no network.
import { useCallback, useEffect, useRef, useState } from "react";
import { loadAwsConfig, type AwsConfig } from "../../lib/aws";
import type { Env } from "../../lib/home";
import { tokenStatusForProfiles, type ProfileTokenStatus } from "../../lib/sso/session-status";
import type { TunnelDefinition } from "../../lib/tunnels/definition";
import type { TunnelState } from "../../lib/tunnels/state";
import { statusView, type StatusView } from "../../lib/tunnels/status-vocabulary";
import { loadTunnels } from "../../lib/tunnels/store";
import { tunnelStatuses } from "../../lib/tunnels/supervisor";
import { notYetRan, type BACKGROUND_COMMANDS } from "../first-run";
import { profileSignedIn } from "../profile-status";
import { readSettings } from "../settings";

export const POLL_MS = 2000;

export interface TunnelRow {
  definition: TunnelDefinition;
  /** Absent for a tunnel that never ran. */
  state?: TunnelState;
  view: StatusView;
  profile?: ProfileTokenStatus;
}

export interface TunnelViewData {
  rows: TunnelRow[];
  /** Why the tunnels file could not be read, and the like. */
  problems: string[];
  config: AwsConfig;
  /** Background commands still to be opened once. */
  notYetRan: (typeof BACKGROUND_COMMANDS)[number][];
}

export async function loadTunnelView(env: Env): Promise<TunnelViewData> {
  const settings = readSettings();
  const [loaded, config, states, hint] = await Promise.all([
    loadTunnels(env),
    loadAwsConfig({ env, override: settings.awsConfigFile }),
    // Reconciles dead workers to `stopped` as it reads (raycast.md §6.5 rule 6).
    tunnelStatuses({ env }),
    notYetRan(),
  ]);
  const profiles = new Map(
    (await tokenStatusForProfiles(config, env, Date.now(), settings)).map((p) => [p.profile, p]),
  );
  const stateOf = new Map(states.map((s) => [s.id, s]));
  const rows = loaded.tunnels.map((definition) => {
    const state = stateOf.get(definition.id);
    const profile = profiles.get(definition.profile);
    return { definition, state, profile, view: statusView(state, { signedIn: profile && profileSignedIn(profile) }) };
  });
  return { rows, problems: loaded.problems, config, notYetRan: hint };
}

export interface TunnelView {
  data?: TunnelViewData;
  error?: Error;
  isLoading: boolean;
  /** Re-read now (after an action), instead of at the next poll. */
  reload: () => void;
}

/** Loads at once, then every `pollMs` after the previous load finished, until the view closes. */
export function useTunnelView(env: Env, pollMs = POLL_MS): TunnelView {
  const [state, setState] = useState<{ data?: TunnelViewData; error?: Error; isLoading: boolean }>({
    isLoading: true,
  });
  const timer = useRef<NodeJS.Timeout | undefined>(undefined);
  const generation = useRef(0);
  const mounted = useRef(true);

  // Polls are quiet: the loading bar shows for the first load and after an action, not every two seconds.
  const load = useCallback(
    (quiet = false) => {
      clearTimeout(timer.current);
      const mine = ++generation.current;
      if (!quiet) setState((s) => ({ ...s, isLoading: true }));
      loadTunnelView(env)
        .then(
          (data) => mine === generation.current && mounted.current && setState({ data, isLoading: false }),
          (error: unknown) =>
            mine === generation.current &&
            mounted.current &&
            setState((s) => ({
              ...s,
              error: error instanceof Error ? error : new Error(String(error)),
              isLoading: false,
            })),
        )
        .finally(() => {
          if (mine === generation.current && mounted.current) timer.current = setTimeout(() => load(true), pollMs);
        });
    },
    [env, pollMs],
  );

  useEffect(() => {
    mounted.current = true;
    load();
    return () => {
      mounted.current = false;
      clearTimeout(timer.current);
    };
  }, [load]);

  return { ...state, reload: useCallback(() => load(), [load]) };
}
