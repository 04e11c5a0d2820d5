// In-memory stand-in for @raycast/api (mapped in jest.config.js): the API only exists inside Raycast.
// UI components are plain React components that render their children, so tests inspect them by type and props.
// Everything a command does to the outside (toasts, HUDs, launches, opens, clipboard) is recorded in `recorded`.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import React from "react";

type Props = Record<string, unknown> & { children?: React.ReactNode };

// ---------------------------------------------------------------------------------------------------------------
// Recording and reset

export interface RecordedToast {
  style: string;
  title: string;
  message?: string;
  primaryAction?: { title: string; onAction?: (toast: Toast) => unknown };
}

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

const testState = {
  preferenceOverrides: {} as Record<string, unknown>,
  confirmAnswer: true,
  launchError: undefined as Error | undefined,
};

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
  localStore.clear();
  cacheStores.clear();
  Object.assign(environment, defaultEnvironment());
}

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

// ---------------------------------------------------------------------------------------------------------------
// Environment, preferences, launching

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

interface ManifestPreference {
  name: string;
  type: string;
  default?: unknown;
}
interface Manifest {
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

export async function launchCommand(options: Record<string, unknown>): Promise<void> {
  recorded.launches.push(options);
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

// ---------------------------------------------------------------------------------------------------------------
// Feedback

export class Toast {
  static Style = { Animated: "animated", Success: "success", Failure: "failure" } as const;
  style: string;
  title: string;
  message?: string;
  primaryAction?: RecordedToast["primaryAction"];
  secondaryAction?: RecordedToast["primaryAction"];
  hidden = false;
  constructor(options: Partial<RecordedToast>) {
    this.style = options.style ?? Toast.Style.Success;
    this.title = options.title ?? "";
    this.message = options.message;
    this.primaryAction = options.primaryAction;
  }
  async show(): Promise<void> {
    this.hidden = false;
  }
  async hide(): Promise<void> {
    this.hidden = true;
  }
}

export async function showToast(
  optionsOrStyle: Partial<RecordedToast> | string,
  title?: string,
  message?: string,
): Promise<Toast> {
  const options = typeof optionsOrStyle === "string" ? { style: optionsOrStyle, title, message } : optionsOrStyle;
  const toast = new Toast(options);
  recorded.toasts.push(toast);
  return toast;
}

export async function showHUD(title: string): Promise<void> {
  recorded.huds.push(title);
  recorded.closedMainWindow++;
}

export const Alert = { ActionStyle: { Default: "default", Cancel: "cancel", Destructive: "destructive" } } as const;

export async function confirmAlert(options: Record<string, unknown>): Promise<boolean> {
  recorded.alerts.push(options);
  return testState.confirmAnswer;
}

// ---------------------------------------------------------------------------------------------------------------
// Storage

const localStore = new Map<string, string | number | boolean>();

export const LocalStorage = {
  async getItem<T extends string | number | boolean>(key: string): Promise<T | undefined> {
    return localStore.get(key) as T | undefined;
  },
  async setItem(key: string, value: string | number | boolean): Promise<void> {
    localStore.set(key, value);
  },
  async removeItem(key: string): Promise<void> {
    localStore.delete(key);
  },
  async allItems(): Promise<Record<string, string | number | boolean>> {
    return Object.fromEntries(localStore);
  },
  async clear(): Promise<void> {
    localStore.clear();
  },
};

const cacheStores = new Map<string, Map<string, string>>();

export class Cache {
  private readonly store: Map<string, string>;
  private readonly subscribers = new Set<(key: string | undefined, data: string | undefined) => void>();
  readonly storageDirectory = "/dev/null";
  constructor(options: { namespace?: string; capacity?: number } = {}) {
    const ns = options.namespace ?? "";
    if (!cacheStores.has(ns)) cacheStores.set(ns, new Map());
    this.store = cacheStores.get(ns)!;
  }
  get(key: string): string | undefined {
    return this.store.get(key);
  }
  has(key: string): boolean {
    return this.store.has(key);
  }
  set(key: string, data: string): void {
    this.store.set(key, data);
    this.subscribers.forEach((fn) => fn(key, data));
  }
  remove(key: string): boolean {
    const had = this.store.delete(key);
    this.subscribers.forEach((fn) => fn(key, undefined));
    return had;
  }
  clear(): void {
    this.store.clear();
    this.subscribers.forEach((fn) => fn(undefined, undefined));
  }
  get isEmpty(): boolean {
    return this.store.size === 0;
  }
  subscribe(fn: (key: string | undefined, data: string | undefined) => void): () => void {
    this.subscribers.add(fn);
    return () => this.subscribers.delete(fn);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Icons, colours, images, keyboard: any member name resolves to itself, so tests can assert `Icon.Plug`.

function nameProxy(): Record<string, string> {
  return new Proxy({} as Record<string, string>, { get: (_target, key) => String(key) });
}

export const Icon = nameProxy();
export const Color = nameProxy();
export const Image = { Mask: { Circle: "circle", RoundedRectangle: "roundedRectangle" } } as const;
export const Keyboard = {
  Shortcut: {
    Common: new Proxy({} as Record<string, { modifiers: string[]; key: string }>, {
      get: (_target, key) => ({ modifiers: ["cmd"], key: String(key) }),
    }),
  },
};

// ---------------------------------------------------------------------------------------------------------------
// Navigation

export function useNavigation() {
  return {
    push: (view: React.ReactNode) => {
      recorded.pushed.push(view);
    },
    pop: () => {
      recorded.pops++;
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// UI components. Each renders its children plus the element-valued props Raycast shows (actions, accessories, detail),
// so `renderer.root.findAllByType(Action)` reaches them; `props` keep everything else for assertions.

function named<P extends Props>(name: string, render: (props: P) => React.ReactNode) {
  const component = (props: P) => React.createElement(React.Fragment, null, render(props));
  Object.defineProperty(component, "name", { value: name });
  return component as ((props: P) => React.ReactElement) & Record<string, unknown>;
}

function container(name: string, slots: string[] = []) {
  return named(name, (props: Props) => [
    ...slots.map((slot) =>
      React.isValidElement(props[slot]) ? React.cloneElement(props[slot] as React.ReactElement, { key: slot }) : null,
    ),
    React.createElement(React.Fragment, { key: "children" }, props.children),
  ]);
}

const leaf = (name: string) => named(name, () => null);

export const ActionPanel = Object.assign(container("ActionPanel"), {
  Section: container("ActionPanel.Section"),
  Submenu: container("ActionPanel.Submenu"),
});

export const Action = Object.assign(leaf("Action"), {
  Push: leaf("Action.Push"),
  SubmitForm: leaf("Action.SubmitForm"),
  CopyToClipboard: leaf("Action.CopyToClipboard"),
  OpenInBrowser: leaf("Action.OpenInBrowser"),
  Open: leaf("Action.Open"),
  ShowInFinder: leaf("Action.ShowInFinder"),
  Paste: leaf("Action.Paste"),
  Style: { Regular: "regular", Destructive: "destructive" },
});

export const List = Object.assign(container("List", ["searchBarAccessory", "actions"]), {
  Item: Object.assign(container("List.Item", ["actions", "detail"]), {
    Detail: Object.assign(container("List.Item.Detail", ["metadata"]), {
      Metadata: Object.assign(container("List.Item.Detail.Metadata"), {
        Label: leaf("List.Item.Detail.Metadata.Label"),
        Separator: leaf("List.Item.Detail.Metadata.Separator"),
        TagList: container("List.Item.Detail.Metadata.TagList"),
      }),
    }),
  }),
  Section: container("List.Section"),
  EmptyView: container("List.EmptyView", ["actions"]),
  Dropdown: Object.assign(container("List.Dropdown"), {
    Item: leaf("List.Dropdown.Item"),
    Section: container("List.Dropdown.Section"),
  }),
});

export const Detail = Object.assign(container("Detail", ["actions", "metadata"]), {
  Metadata: Object.assign(container("Detail.Metadata"), {
    Label: leaf("Detail.Metadata.Label"),
    Separator: leaf("Detail.Metadata.Separator"),
    Link: leaf("Detail.Metadata.Link"),
    TagList: container("Detail.Metadata.TagList"),
  }),
});

export const Form = Object.assign(container("Form", ["actions", "searchBarAccessory"]), {
  TextField: leaf("Form.TextField"),
  PasswordField: leaf("Form.PasswordField"),
  TextArea: leaf("Form.TextArea"),
  Checkbox: leaf("Form.Checkbox"),
  DatePicker: leaf("Form.DatePicker"),
  Dropdown: Object.assign(container("Form.Dropdown"), {
    Item: leaf("Form.Dropdown.Item"),
    Section: container("Form.Dropdown.Section"),
  }),
  TagPicker: Object.assign(container("Form.TagPicker"), { Item: leaf("Form.TagPicker.Item") }),
  Separator: leaf("Form.Separator"),
  Description: leaf("Form.Description"),
  FilePicker: leaf("Form.FilePicker"),
});

export const MenuBarExtra = Object.assign(container("MenuBarExtra"), {
  Item: container("MenuBarExtra.Item", ["alternate"]),
  Section: container("MenuBarExtra.Section"),
  Submenu: container("MenuBarExtra.Submenu"),
  Separator: leaf("MenuBarExtra.Separator"),
});

// Parts of the real API that commands may import but that tests never exercise.
export const OAuth = {};
export const AI = {};
