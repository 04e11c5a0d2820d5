// Looking at Connect Tunnel as the user does: its sections, each tunnel's item and actions, pushed forms.
import type { ReactElement } from "react";
import type { ReactTestInstance, ReactTestRenderer } from "react-test-renderer";
import { find, findAll, render, waitFor } from "../raycast/render";
import { TunnelList } from "../../src/commands/tunnels/TunnelList";

export function listHelpers(env: () => Record<string, string>) {
  return {
    async renderList(props: Partial<Parameters<typeof TunnelList>[0]> = {}) {
      // No background polling unless a test is about it (pollMs: undefined): actions reload the list themselves.
      const view = await render(<TunnelList env={env()} pollMs={60_000} {...props} />);
      await waitFor(() => find(view.root, "List").props.isLoading === false, "tunnels to load");
      return view;
    },
  };
}

/** Renders an Action.Push target the way Raycast would after the user picks the action. */
export async function push(action: ReactTestInstance) {
  const form = await render(action.props.target as ReactElement);
  await waitFor(() => find(form.root, "Form").props.isLoading === false, "the form to load");
  return form;
}

export const itemOf = (view: ReactTestRenderer, name: string) => find(view.root, "List.Item", (p) => p.title === name);

export const actionsOf = (view: ReactTestRenderer, name: string) =>
  findAll(itemOf(view, name), "Action").map((a) => a.props.title as string);

export const run = (view: ReactTestRenderer, name: string, title: string) =>
  find(itemOf(view, name), "Action", (p) => p.title === title).props.onAction as () => Promise<void>;

export const sections = (view: ReactTestRenderer) =>
  findAll(view.root, "List.Section").map((s) => [s.props.title, findAll(s, "List.Item").map((i) => i.props.title)]);
