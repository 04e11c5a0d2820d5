// Renders command components with react-test-renderer and waits for their async loading, for UI tests.
import TestRenderer, { act, type ReactTestInstance, type ReactTestRenderer } from "react-test-renderer";
import type { ReactElement } from "react";

// Tell React that updates are wrapped in act(); silence react-test-renderer's React 19 deprecation notice.
Object.assign(globalThis, { IS_REACT_ACT_ENVIRONMENT: true, IS_REACT_NATIVE_TEST_ENVIRONMENT: true });

const mounted = new Set<ReactTestRenderer>();

// Unmount whatever a test left rendered, so loads still in flight cannot update it after the test.
afterEach(async () => {
  for (const renderer of mounted) await unmount(renderer);
});

export async function render(element: ReactElement): Promise<ReactTestRenderer> {
  let renderer: ReactTestRenderer | undefined;
  await act(async () => {
    renderer = TestRenderer.create(element);
  });
  mounted.add(renderer!);
  return renderer!;
}

/** Renders and returns before any async loading finishes: the first frame the user sees. */
export function renderNow(element: ReactElement): ReactTestRenderer {
  let renderer: ReactTestRenderer | undefined;
  act(() => {
    renderer = TestRenderer.create(element);
  });
  mounted.add(renderer!);
  return renderer!;
}

/** Runs a callback (e.g. an action's onAction) inside act(), then gives reloads it started time to land. */
export async function interact(fn: () => unknown): Promise<void> {
  await act(async () => {
    await fn();
  });
  // Effects flush when the act above ends; loads they start (file I/O) resolve inside this one.
  await act(async () => {
    await new Promise((resolve) => setTimeout(resolve, 20));
  });
}

export async function unmount(renderer: ReactTestRenderer): Promise<void> {
  if (!mounted.delete(renderer)) return;
  await act(async () => renderer.unmount());
}

/** Re-checks `predicate` while async work (file I/O) finishes; fails with `what` after `timeoutMs`. */
export async function waitFor(predicate: () => boolean, what = "condition", timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await act(async () => {
      await new Promise((resolve) => setTimeout(resolve, 10));
    });
  }
}

/** Components of the stand-in carry their Raycast name (e.g. "List.Item"): find by that name. */
export function findAll(root: ReactTestInstance, name: string): ReactTestInstance[] {
  return root.findAll((node) => typeof node.type === "function" && node.type.name === name, { deep: true });
}

export function find(
  root: ReactTestInstance,
  name: string,
  where: (props: Record<string, unknown>) => boolean = () => true,
) {
  const found = findAll(root, name).filter((n) => where(n.props));
  if (found.length !== 1) throw new Error(`expected one ${name}, found ${found.length}`);
  return found[0];
}

/** Form items that carry a value Raycast submits (by their `id`). */
const FORM_ITEMS = [
  "Form.TextField",
  "Form.PasswordField",
  "Form.TextArea",
  "Form.Checkbox",
  "Form.DatePicker",
  "Form.Dropdown",
  "Form.TagPicker",
  "Form.FilePicker",
];

/** The values Raycast would hand to onSubmit: every rendered form item's value, by id. */
export function formValues(root: ReactTestInstance): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const name of FORM_ITEMS) {
    for (const item of findAll(root, name)) {
      if (typeof item.props.id === "string") values[item.props.id] = item.props.value ?? item.props.defaultValue;
    }
  }
  return values;
}

/** Presses an Action.SubmitForm (the only one, or the one with this title) with the form's current values. */
export async function submitForm(root: ReactTestInstance, title?: string): Promise<void> {
  const action = find(root, "Action.SubmitForm", (p) => title === undefined || p.title === title);
  await interact(() => (action.props.onSubmit as (values: Record<string, unknown>) => unknown)(formValues(root)));
}
