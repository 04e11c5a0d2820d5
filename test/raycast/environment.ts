// Environment, preferences (manifest defaults + test overrides), launching and the other outward calls.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { recorded, testState } from "./recorded";

export enum LaunchType {
  UserInitiated = "userInitiated",
  Background = "background",
}

function defaultEnvironment() {
  return {
    raycastVersion: "1.104.25",
    ownerOrAuthorName: "stormtunnel",
    extensionName: "stormtunnel",
    commandName: "connect-tunnel",
    commandMode: "view" as "view" | "no-view" | "menu-bar",
    assetsPath: join(__dirname, "..", "..", "assets"),
    supportPath: join(__dirname, "..", "..", "node_modules", ".cache", "raycast-support-unused"),
    isDevelopment: true,
    appearance: "light" as "light" | "dark",
    textSize: "medium" as const,
    launchType: LaunchType.UserInitiated,
    canAccess: () => true,
  };
}

export const environment = defaultEnvironment();

export function resetEnvironment(): void {
  Object.assign(environment, defaultEnvironment());
}

interface ManifestPreference {
  name: string;
  type: string;
  default?: unknown;
}
interface Manifest {
  name: string;
  preferences?: ManifestPreference[];
  commands?: { name: string; preferences?: ManifestPreference[] }[];
}

const manifest: Manifest = JSON.parse(readFileSync(join(__dirname, "..", "..", "package.json"), "utf8"));

function defaultsOf(preferences: ManifestPreference[] = []): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const p of preferences) {
    if (p.default !== undefined) values[p.name] = p.default;
    else if (p.type === "checkbox") values[p.name] = false;
    else if (p.type === "textfield" || p.type === "password") values[p.name] = "";
  }
  return values;
}

/** Manifest defaults (extension, then the current command's), then test overrides — as Raycast resolves them. */
export function getPreferenceValues<T = Record<string, unknown>>(): T {
  const command = manifest.commands?.find((c) => c.name === environment.commandName);
  return {
    ...defaultsOf(manifest.preferences),
    ...defaultsOf(command?.preferences),
    ...testState.preferenceOverrides,
  } as T;
}

/**
 * Raycast throws for a command the extension does not declare (and for a disabled one: setLaunchError). Launches of
 * another extension's commands (ownerOrAuthorName + extensionName) are not checked.
 */
export async function launchCommand(options: Record<string, unknown>): Promise<void> {
  recorded.launches.push(options);
  const own = options.extensionName === undefined || options.extensionName === manifest.name;
  if (own && !manifest.commands?.some((c) => c.name === options.name)) {
    throw new Error(`No command named "${String(options.name)}" in ${manifest.name}'s manifest`);
  }
  if (!Object.values(LaunchType).includes(options.type as LaunchType)) {
    throw new Error(`launchCommand needs type LaunchType.UserInitiated or LaunchType.Background`);
  }
  if (testState.launchError) throw testState.launchError;
}

export async function updateCommandMetadata(metadata: Record<string, unknown>): Promise<void> {
  recorded.metadata.push(metadata);
}

export async function openExtensionPreferences(): Promise<void> {
  recorded.preferencesOpened.push("extension");
}

export async function openCommandPreferences(): Promise<void> {
  recorded.preferencesOpened.push("command");
}

export async function open(target: string, application?: unknown): Promise<void> {
  recorded.opened.push({ target, application });
}

export async function closeMainWindow(): Promise<void> {
  recorded.closedMainWindow++;
}

export async function popToRoot(): Promise<void> {
  recorded.poppedToRoot++;
}

export function captureException(error: unknown): void {
  recorded.exceptions.push(error);
}

export const Clipboard = {
  async copy(content: unknown, options?: unknown): Promise<void> {
    recorded.clipboard.push(options ? { content, options } : content);
  },
  async paste(content: unknown): Promise<void> {
    recorded.clipboard.push(content);
  },
  async readText(): Promise<string | undefined> {
    const last = recorded.clipboard[recorded.clipboard.length - 1];
    return typeof last === "string" ? last : undefined;
  },
};
