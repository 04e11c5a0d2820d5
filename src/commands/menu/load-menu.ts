// Gathers what the menu bar shows from files only (tunnels.json, state files, SSO cache): no network, no AWS SDK.
import { loadAwsConfig } from "../../lib/aws";
import type { Env } from "../../lib/home";
import type { Settings } from "../../lib/settings";
import { tokenStatusForProfiles } from "../../lib/sso/session-status";
import { loadTunnels } from "../../lib/tunnels/store";
import { tunnelStatuses } from "../../lib/tunnels/supervisor";
import { buildMenuModel, type MenuModel } from "./menu-model";

export async function loadMenuModel(env: Env, settings: Settings, now = Date.now()): Promise<MenuModel> {
  const [{ tunnels }, config] = await Promise.all([
    loadTunnels(env),
    loadAwsConfig({ env, override: settings.awsConfigFile }),
  ]);
  // Reconciles dead workers to `stopped` as it reads (raycast.md §6.5 rule 6).
  const states = new Map(tunnelStatuses({ env }).map((s) => [s.id, s]));
  const profiles = await tokenStatusForProfiles(config, env, now, settings);
  return buildMenuModel(
    tunnels.map((definition) => ({ definition, state: states.get(definition.id) })),
    profiles,
    now,
  );
}
