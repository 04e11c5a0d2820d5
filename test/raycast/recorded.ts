// What commands did to the outside world (toasts, HUDs, launches, opens, clipboard…), and the answers tests script.
import type React from "react";
import type { Toast } from "./feedback";

export const recorded = {
  toasts: [] as Toast[],
  huds: [] as string[],
  launches: [] as Record<string, unknown>[],
  opened: [] as { target: string; application?: unknown }[],
  clipboard: [] as unknown[],
  alerts: [] as Record<string, unknown>[],
  metadata: [] as Record<string, unknown>[],
  preferencesOpened: [] as ("extension" | "command")[],
  pushed: [] as React.ReactNode[],
  pops: 0,
  closedMainWindow: 0,
  poppedToRoot: 0,
  exceptions: [] as unknown[],
};

/** Test-controlled answers; not part of the API, so api.ts does not re-export it. */
export const testState = {
  preferenceOverrides: {} as Record<string, unknown>,
  confirmAnswer: true,
  launchError: undefined as Error | undefined,
};

/** Overrides preference values on top of the manifest defaults. */
export function setPreferences(values: Record<string, unknown>): void {
  Object.assign(testState.preferenceOverrides, values);
}

/** What the next confirmAlert answers. */
export function setConfirmAnswer(answer: boolean): void {
  testState.confirmAnswer = answer;
}

/** Makes launchCommand throw, as Raycast does for a disabled or never-activated command. */
export function setLaunchError(error: Error | undefined): void {
  testState.launchError = error;
}
