// In-memory stand-in for @raycast/api (mapped in jest.config.js): the API only exists inside Raycast.
// UI components are plain React components that render their children, so tests inspect them by type and props.
// Everything a command does to the outside (toasts, HUDs, launches, opens, clipboard) is recorded in `recorded`.
// The stand-in is split by area (recorded, environment, feedback, storage, components); this file is the module entry.
import { recorded, testState } from "./recorded";
import { resetEnvironment } from "./environment";
import { clearStorage } from "./storage";

export { recorded, setPreferences, setConfirmAnswer, setLaunchError } from "./recorded";
export {
  LaunchType,
  environment,
  getPreferenceValues,
  launchCommand,
  updateCommandMetadata,
  openExtensionPreferences,
  openCommandPreferences,
  open,
  closeMainWindow,
  popToRoot,
  captureException,
  Clipboard,
} from "./environment";
export * from "./feedback";
export { LocalStorage, Cache } from "./storage";
export * from "./components";

/** Clears every record, storage, preference override and environment change. Call in beforeEach. */
export function resetRaycast(): void {
  recorded.toasts = [];
  recorded.huds = [];
  recorded.launches = [];
  recorded.opened = [];
  recorded.clipboard = [];
  recorded.alerts = [];
  recorded.metadata = [];
  recorded.preferencesOpened = [];
  recorded.pushed = [];
  recorded.pops = 0;
  recorded.closedMainWindow = 0;
  recorded.poppedToRoot = 0;
  recorded.exceptions = [];
  testState.preferenceOverrides = {};
  testState.confirmAnswer = true;
  testState.launchError = undefined;
  clearStorage();
  resetEnvironment();
}
