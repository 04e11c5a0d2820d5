// The props each Raycast component accepts, read from @raycast/api's own .d.ts with the TypeScript compiler, so the
// stand-in rejects what Raycast would not render. Output: test/raycast/props.json (checked by props.test.ts).
// Regenerate after upgrading @raycast/api: npx tsx test/raycast/props-from-types.ts --write
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";

/** The components the stand-in provides, by their Raycast name. */
export const COMPONENTS = [
  "ActionPanel",
  "ActionPanel.Section",
  "ActionPanel.Submenu",
  "Action",
  "Action.Push",
  "Action.SubmitForm",
  "Action.CopyToClipboard",
  "Action.OpenInBrowser",
  "Action.Open",
  "Action.ShowInFinder",
  "Action.Paste",
  "Action.CreateQuicklink",
  "Action.ToggleQuickLook",
  "List",
  "List.Item",
  "List.Item.Detail",
  "List.Item.Detail.Metadata",
  "List.Item.Detail.Metadata.Label",
  "List.Item.Detail.Metadata.Separator",
  "List.Item.Detail.Metadata.Link",
  "List.Item.Detail.Metadata.TagList",
  "List.Item.Detail.Metadata.TagList.Item",
  "List.Section",
  "List.EmptyView",
  "List.Dropdown",
  "List.Dropdown.Item",
  "List.Dropdown.Section",
  "Detail",
  "Detail.Metadata",
  "Detail.Metadata.Label",
  "Detail.Metadata.Separator",
  "Detail.Metadata.Link",
  "Detail.Metadata.TagList",
  "Detail.Metadata.TagList.Item",
  "Form",
  "Form.TextField",
  "Form.PasswordField",
  "Form.TextArea",
  "Form.Checkbox",
  "Form.DatePicker",
  "Form.Dropdown",
  "Form.Dropdown.Item",
  "Form.Dropdown.Section",
  "Form.TagPicker",
  "Form.TagPicker.Item",
  "Form.Separator",
  "Form.Description",
  "Form.FilePicker",
  "MenuBarExtra",
  "MenuBarExtra.Item",
  "MenuBarExtra.Section",
  "MenuBarExtra.Submenu",
] as const;

export const PROPS_FILE = join(__dirname, "props.json");

/** { "List.Item": ["accessories", "actions", …], … } from the installed @raycast/api types. */
export function propsFromTypes(): Record<string, string[]> {
  const root = join(__dirname, "..", "..");
  const file = join(root, "test", "raycast", "__props_probe__.ts");
  const source = [
    'import * as R from "@raycast/api";',
    ...COMPONENTS.map((name, i) => `export const c${i} = R.${name};`),
  ].join("\n");
  const options: ts.CompilerOptions = {
    strict: true,
    jsx: ts.JsxEmit.ReactJSX,
    module: ts.ModuleKind.CommonJS,
    target: ts.ScriptTarget.ES2022,
    esModuleInterop: true,
    skipLibCheck: true,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  host.readFile = (f) => (f === file ? source : readFile(f));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (f) => f === file || fileExists(f);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (f, v) =>
    f === file ? ts.createSourceFile(f, source, ts.ScriptTarget.ES2022, true) : getSourceFile(f, v);
  const program = ts.createProgram([file], options, host);
  const checker = program.getTypeChecker();
  const probe = program.getSourceFile(file)!;
  const out: Record<string, string[]> = {};
  let i = 0;
  probe.forEachChild((node) => {
    if (!ts.isVariableStatement(node)) return;
    const decl = node.declarationList.declarations[0];
    const name = COMPONENTS[i++];
    const type = checker.getTypeAtLocation(decl.name);
    const signature = type.getCallSignatures()[0];
    if (!signature) throw new Error(`${name} is not a component in @raycast/api`);
    const propsType = checker.getTypeOfSymbolAtLocation(signature.getParameters()[0], decl);
    out[name] = checker
      .getPropertiesOfType(propsType)
      .map((p) => p.getName())
      .filter((p) => p !== "key" && p !== "ref")
      .sort();
  });
  return out;
}

if (require.main === module && process.argv.includes("--write")) {
  writeFileSync(PROPS_FILE, JSON.stringify(propsFromTypes(), null, 2) + "\n");
  console.log(`wrote ${PROPS_FILE}`);
}
