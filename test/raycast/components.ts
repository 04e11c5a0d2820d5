// UI components, navigation, icons and the other names commands render with.
import React from "react";
import { recorded } from "./recorded";

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
