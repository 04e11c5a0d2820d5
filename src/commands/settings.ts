// Raycast preferences → the engine's Settings (names match src/lib/settings.ts RawPreferences).
import { getPreferenceValues } from "@raycast/api";
import { settingsFromPreferences, type RawPreferences, type Settings } from "../lib/settings";

export function readSettings(): Settings {
  return settingsFromPreferences(getPreferenceValues<RawPreferences>());
}
