// Gathers what the menu bar shows from files only (tunnels.json, state files, SSO cache): no network, no AWS SDK.
import { loadAwsConfig } from "../../lib/aws";
import type { Env } from "../../lib/home";
import type { Settings } from "../../lib/settings";
import { tokenStatusForProfiles } from "../../lib/sso/session-status";
import { loadTunnels } from "../../lib/tunnels/store";
import { tunnelStatuses } from "../../lib/tunnels/supervisor";
import { syncMirrors } from "../mirrors/sync-mirrors";
import { buildMenuModel, withMirrorNote, type MenuModel } from "./menu-model";

export async function loadMenuModel(env: Env, settings: Settings, now = Date.now()): Promise<MenuModel> {
  // The mirrors are cheap to reconcile (files, LocalStorage, `security` only on change), so the menu does it too,
  // alongside its own reads: a logout shows in every copy as soon as the menu is looked at.
  const [model, mirrors] = await Promise.all([readModel(env, settings, now), syncMirrors(env, settings, () => now)]);
  return withMirrorNote(model, mirrors.note, mirrors.detail);
}

async function readModel(env: Env, settings: Settings, now: number): Promise<MenuModel> {
  const [{ tunnels }, config] = await Promise.all([
    loadTunnels(env),
    loadAwsConfig({ env, override: settings.awsConfigFile }),
  ]);
  // Reconciles dead workers to `stopped` as it reads (raycast.md §6.5 rule 6).
  const states = new Map((await tunnelStatuses({ env })).map((s) => [s.id, s]));
  const profiles = await tokenStatusForProfiles(config, env, now, settings);
  return buildMenuModel(
    tunnels.map((definition) => ({ definition, state: states.get(definition.id) })),
    profiles,
    now,
  );
}
