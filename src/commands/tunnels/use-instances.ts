// The target picker's data, one cached list per profile and region (useCachedPromise: instant on reopen, then fresh).
import { useCachedPromise } from "@raycast/utils";
import { findProfile, loadAwsConfig } from "../../lib/aws";
import { listInstances, type InstanceList } from "../../lib/aws/instances";
import type { Env } from "../../lib/home";
import { readSettings } from "../settings";

/** Module-level, so its cache namespace (a hash of the function) is stable. */
async function fetchInstances(profileName: string, region: string, env: Env): Promise<InstanceList> {
  const config = await loadAwsConfig({ env, override: readSettings().awsConfigFile });
  const profile = findProfile(config, profileName);
  if (!profile || profile.kind === "other" || !profile.usableForTunnels) return { instances: [], notes: [] };
  const root = profile.kind === "sso" ? profile : findProfile(config, profile.ssoProfile ?? "");
  if (root?.kind !== "sso") return { instances: [], notes: [] };
  return listInstances(profile, root, region, { env });
}

export function useInstances(env: Env, profile: string | undefined, region: string | undefined) {
  return useCachedPromise(fetchInstances, [profile ?? "", region ?? "", env], {
    execute: !!profile && !!region,
    keepPreviousData: false,
    // The form explains what went wrong next to the field (and offers a sign-in): no failure toast.
    onError: () => undefined,
  });
}
