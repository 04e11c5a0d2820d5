// UI components, navigation, icons and the other names commands render with.
import React from "react";
import { recorded } from "./recorded";
import ALLOWED_PROPS from "./props.json";
import { COMMON_SHORTCUTS, ShortcutScope, useShortcutClaim } from "./shortcuts";

type Props = Record<string, unknown> & { children?: React.ReactNode };

// Icons, colours, images, keyboard: any member name resolves to itself, so tests can assert `Icon.Plug`.

function nameProxy(): Record<string, string> {
  return new Proxy({} as Record<string, string>, { get: (_target, key) => String(key) });
}

export const Icon = nameProxy();
export const Color = nameProxy();
export const Image = { Mask: { Circle: "circle", RoundedRectangle: "roundedRectangle" } } as const;
export const Keyboard = {
  Shortcut: {
    Common: new Proxy({} as Record<string, { common: string }>, {
      get: (_target, key) => {
        if (!(String(key) in COMMON_SHORTCUTS)) throw new Error(`Keyboard.Shortcut.Common has no ${String(key)}`);
        return { common: String(key) };
      },
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
// A prop the real component does not declare (props.json, read from @raycast/api's types) fails the render, as a
// misspelt or invented prop would do nothing in Raycast.

const allowed: Record<string, Set<string>> = Object.fromEntries(
  Object.entries(ALLOWED_PROPS as Record<string, string[]>).map(([name, props]) => [name, new Set(props)]),
);

function checkProps(name: string, props: Props): void {
  const known = allowed[name];
  if (!known) throw new Error(`the Raycast stand-in has no prop list for ${name} (test/raycast/props-from-types.ts)`);
  for (const [prop, value] of Object.entries(props)) {
    if (prop === "children" && value === undefined) continue;
    if (prop === "ref") continue; // React's, not the component's (useForm passes refs for focus())
    if (!known.has(prop)) throw new Error(`<${name}> has no prop "${prop}" in @raycast/api`);
  }
}

function named<P extends Props>(name: string, render: (props: P) => React.ReactNode) {
  const component = (props: P) => {
    checkProps(name, props);
    useShortcutClaim(name, props);
    return React.createElement(React.Fragment, null, render(props));
  };
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

// Each panel is its own shortcut scope: two of its actions on one key fail the render (test/raycast/shortcuts.ts).
export const ActionPanel = Object.assign(
  named("ActionPanel", (props: Props) => React.createElement(ShortcutScope, null, props.children)),
  {
    Section: container("ActionPanel.Section"),
    Submenu: container("ActionPanel.Submenu"),
  },
);

export const Action = Object.assign(leaf("Action"), {
  Push: leaf("Action.Push"),
  SubmitForm: leaf("Action.SubmitForm"),
  CopyToClipboard: leaf("Action.CopyToClipboard"),
  OpenInBrowser: leaf("Action.OpenInBrowser"),
  Open: leaf("Action.Open"),
  ShowInFinder: leaf("Action.ShowInFinder"),
  Paste: leaf("Action.Paste"),
  CreateQuicklink: leaf("Action.CreateQuicklink"),
  ToggleQuickLook: leaf("Action.ToggleQuickLook"),
  Style: { Regular: "regular", Destructive: "destructive" },
});

export const List = Object.assign(container("List", ["searchBarAccessory", "actions"]), {
  Item: Object.assign(container("List.Item", ["actions", "detail"]), {
    Detail: Object.assign(container("List.Item.Detail", ["metadata"]), {
      Metadata: Object.assign(container("List.Item.Detail.Metadata"), {
        Label: leaf("List.Item.Detail.Metadata.Label"),
        Separator: leaf("List.Item.Detail.Metadata.Separator"),
        Link: leaf("List.Item.Detail.Metadata.Link"),
        TagList: Object.assign(container("List.Item.Detail.Metadata.TagList"), {
          Item: leaf("List.Item.Detail.Metadata.TagList.Item"),
        }),
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
    TagList: Object.assign(container("Detail.Metadata.TagList"), { Item: leaf("Detail.Metadata.TagList.Item") }),
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
