// Raycast keeps interval commands off after a store install until each is opened once (raycast.md §1 fact 5):
// the background commands note that they ran, so Connect Tunnel can say which ones still need opening.
import { LocalStorage } from "@raycast/api";

export const BACKGROUND_COMMANDS = [
  { name: "refresh-tokens", title: "Refresh Tokens" },
  { name: "tunnel-status", title: "Tunnel Status" },
] as const;

export type BackgroundCommand = (typeof BACKGROUND_COMMANDS)[number]["name"];

const key = (name: string) => `ran.v1.${name}`;
const HIDDEN = "firstRunHintHidden.v1";

export async function markRan(name: BackgroundCommand): Promise<void> {
  try {
    if (!(await LocalStorage.getItem(key(name)))) await LocalStorage.setItem(key(name), new Date().toISOString());
  } catch {
    // a hint only: never fail a command for it
  }
}

/** Background commands that never ran yet (empty once all ran, or once the user hid the hint). */
export async function notYetRan(): Promise<(typeof BACKGROUND_COMMANDS)[number][]> {
  try {
    if (await LocalStorage.getItem(HIDDEN)) return [];
    const ran = await Promise.all(BACKGROUND_COMMANDS.map((c) => LocalStorage.getItem(key(c.name))));
    return BACKGROUND_COMMANDS.filter((_c, i) => !ran[i]);
  } catch {
    return [];
  }
}

export async function hideFirstRunHint(): Promise<void> {
  await LocalStorage.setItem(HIDDEN, true);
}
