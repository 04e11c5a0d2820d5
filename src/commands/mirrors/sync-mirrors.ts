// Brings the LocalStorage and Keychain token mirrors in line with the AWS CLI cache files (src/lib/sso/reconcile.ts).
// Called after each background run, after a sign-in, and when the menu bar loads. A mirror is a convenience copy:
// whatever goes wrong here (locked keychain, missing `security`, unreadable config) becomes a short note, never a
// failed command.
import { loadAwsConfig } from "../../lib/aws";
import type { Env } from "../../lib/home";
import type { Settings } from "../../lib/settings";
import { keychainMirrorFor } from "../../lib/sso/mirrors/keychain-mirror";
import { reconcileMirrors, type ReconcileReport } from "../../lib/sso/reconcile";
import { RaycastKeyValueStore } from "./raycast-store";

export interface MirrorSync {
  report?: ReconcileReport;
  /** Short text for a subtitle or menu item when a mirror could not be updated; absent when all is well. */
  note?: string;
  /** The reason behind the note (tooltip, toast message). */
  detail?: string;
}

export async function syncMirrors(env: Env, settings: Settings, now?: () => number): Promise<MirrorSync> {
  try {
    const config = await loadAwsConfig({ env, override: settings.awsConfigFile });
    const report = await reconcileMirrors(config, {
      store: new RaycastKeyValueStore(),
      keychain: keychainMirrorFor(env),
      mirrorToKeychain: settings.mirrorToKeychain,
      now,
    });
    if (report.keychain === "unavailable") {
      return { report, note: "Keychain copy paused", detail: report.keychainMessage };
    }
    return { report };
  } catch (e) {
    return { note: "Token mirrors not updated", detail: (e as Error).message };
  }
}
