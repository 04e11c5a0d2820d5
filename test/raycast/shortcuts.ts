// Keyboard shortcuts as Raycast resolves them on macOS, and the rule that one ActionPanel never binds a key twice:
// Raycast would run only one of the two actions, and the other's shortcut silently does nothing.
import { readFileSync } from "node:fs";
import { runInNewContext } from "node:vm";
import React from "react";

interface KeyCombo {
  modifiers: string[];
  key: string;
}

/**
 * Keyboard.Shortcut.Common's key combinations (macOS side), read from Raycast's own ESLint rule, which carries the
 * table (the API's types only name the shortcuts): the stand-in follows a Raycast upgrade by itself.
 */
function loadCommonShortcuts(): Record<string, KeyCombo> {
  const file = require.resolve("@raycast/eslint-plugin/dist/rules/prefer-common-shortcut.js");
  const literal = /const COMMON_SHORTCUTS = (\[[\s\S]*?\n\]);/.exec(readFileSync(file, "utf8"))?.[1];
  if (!literal) throw new Error(`no COMMON_SHORTCUTS table in ${file}: update test/raycast/shortcuts.ts`);
  const table = runInNewContext(literal) as { name: string; macOS: KeyCombo }[];
  return Object.fromEntries(table.map((c) => [c.name, c.macOS]));
}

export const COMMON_SHORTCUTS = loadCommonShortcuts();

/** "cmd+shift+c": a shortcut prop (a Common one, per-platform, or plain) as the keys the user presses on macOS. */
export function shortcutKeys(shortcut: unknown): string {
  const s = shortcut as { common?: string; macOS?: KeyCombo } & Partial<KeyCombo>;
  const combo = s.common !== undefined ? COMMON_SHORTCUTS[s.common] : (s.macOS ?? (s as KeyCombo));
  if (!combo?.key) throw new Error(`not a keyboard shortcut: ${JSON.stringify(shortcut)}`);
  return [...[...combo.modifiers].sort(), combo.key].join("+");
}

/** The shortcuts bound in one rendered ActionPanel: key combination → the action holding it. */
type Claims = Map<string, { owner: object; title: string }>;

const PanelShortcuts = React.createContext<Claims | undefined>(undefined);

/** Wraps an ActionPanel's content: everything rendered inside claims its shortcut in this panel. */
export function ShortcutScope({ children }: { children?: React.ReactNode }) {
  const claims = React.useRef<Claims>(new Map()).current;
  return React.createElement(PanelShortcuts.Provider, { value: claims }, children);
}

/** Called by every stand-in component: one with a `shortcut` inside an ActionPanel claims it or fails the render. */
export function useShortcutClaim(name: string, props: Record<string, unknown>): void {
  const claims = React.useContext(PanelShortcuts);
  const owner = React.useRef({}).current;
  const keys = claims && props.shortcut !== undefined ? shortcutKeys(props.shortcut) : undefined;
  const title = String(props.title ?? name);
  // Layout effects: cleanups of an update run before any new claim, so two actions swapping keys never clash.
  React.useLayoutEffect(() => {
    if (!claims || !keys) return;
    const held = claims.get(keys);
    if (held && held.owner !== owner) {
      throw new Error(`"${held.title}" and "${title}" both use the shortcut ${keys} in one ActionPanel`);
    }
    claims.set(keys, { owner, title });
    return () => {
      if (claims.get(keys)?.owner === owner) claims.delete(keys);
    };
  }, [claims, keys, title]);
}
