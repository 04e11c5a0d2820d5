// Offline stand-in for `ray lint`'s manifest and icon checks (ray lint needs raycast.com: raycast.md §3.1).
// Usage: node scripts/check-manifest.mjs [--root DIR]. Exit 1 with one line per problem.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const args = process.argv.slice(2);
const rootFlag = args.indexOf("--root");
const root = resolve(rootFlag >= 0 ? args[rootFlag + 1] : join(dirname(fileURLToPath(import.meta.url)), ".."));

const CATEGORIES = [
  "Applications",
  "Communication",
  "Data",
  "Documentation",
  "Design Tools",
  "Developer Tools",
  "Finance",
  "Fun",
  "Media",
  "News",
  "Productivity",
  "Security",
  "System",
  "Web",
  "Other",
];
const PLATFORMS = ["macOS", "Windows"];
const MODES = ["view", "no-view", "menu-bar"];
const PREFERENCE_TYPES = ["textfield", "password", "checkbox", "dropdown", "appPicker", "file", "directory"];
const INTERVAL_UNITS = { s: 1, m: 60, h: 3600, d: 86400 };
// Apple style: these stay lower case inside a title.
const MINOR_WORDS = new Set(
  "a an and as at but by for from in into nor of on or per the to via vs with".split(" ").map((w) => w.toLowerCase()),
);

const problems = [];
const problem = (where, message) => problems.push(`${where}: ${message}`);

/** "Early Refresh Threshold" yes, "Early refresh threshold" no; minor words may stay lower case inside. */
function isTitleCase(title) {
  const words = title.split(/\s+/).filter(Boolean);
  return words.every((word, i) => {
    const first = word.match(/\p{L}/u)?.[0];
    if (!first) return true; // numbers, symbols
    if (first === first.toUpperCase()) return true;
    return i > 0 && i < words.length - 1 && MINOR_WORDS.has(word.toLowerCase());
  });
}

function checkTitle(where, title) {
  if (typeof title !== "string" || title.trim() === "") return problem(where, "title is required");
  if (!isTitleCase(title)) problem(where, `title "${title}" is not in Title Case`);
}

/** Raycast spelled any other way than "Raycast" (ray lint warns about "RayCast", "raycast"). */
function checkSpelling(where, text) {
  if (typeof text !== "string") return;
  for (const match of text.matchAll(/ray\s?cast/gi)) {
    if (match[0] !== "Raycast") problem(where, `"${match[0]}" should be spelled "Raycast"`);
  }
}

/** Reads PNG dimensions from the signature and IHDR chunk, as ray lint does. */
function pngSize(file) {
  const bytes = readFileSync(file);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (bytes.length < 24 || !bytes.subarray(0, 8).equals(signature)) return undefined;
  if (bytes.toString("ascii", 12, 16) !== "IHDR") return undefined;
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

function checkIcon(where, name, { required }) {
  if (typeof name !== "string" || name === "") {
    if (required) problem(where, "icon is required");
    return;
  }
  const variants = [name, name.replace(/\.png$/i, "@dark.png")];
  variants.forEach((variant, i) => {
    const file = join(root, "assets", variant);
    if (!existsSync(file)) {
      if (i === 0) problem(where, `icon assets/${variant} does not exist`);
      return;
    }
    if (!/\.png$/i.test(variant)) return problem(where, `icon assets/${variant} must be a PNG`);
    const size = pngSize(file);
    if (!size) problem(where, `icon assets/${variant} is not a PNG file`);
    else if (size.width !== 512 || size.height !== 512)
      problem(where, `icon assets/${variant} is ${size.width}×${size.height}; it must be 512×512`);
  });
}

function intervalSeconds(value) {
  const match = /^(\d+)([smhd])$/.exec(value);
  return match ? Number(match[1]) * INTERVAL_UNITS[match[2]] : undefined;
}

function checkPreferences(where, preferences) {
  if (preferences === undefined) return;
  if (!Array.isArray(preferences)) return problem(where, "preferences must be a list");
  const seen = new Set();
  preferences.forEach((p, i) => {
    const at = `${where} preference ${p?.name ?? `#${i + 1}`}`;
    if (typeof p !== "object" || p === null) return problem(at, "must be an object");
    for (const key of ["name", "description", "type"]) {
      if (typeof p[key] !== "string" || p[key] === "") problem(at, `"${key}" is required`);
    }
    if (typeof p.required !== "boolean") problem(at, `"required" must be true or false`);
    if (seen.has(p.name)) problem(at, "duplicate preference name");
    seen.add(p.name);
    if (!PREFERENCE_TYPES.includes(p.type))
      problem(at, `type "${p.type}" is not one of ${PREFERENCE_TYPES.join(", ")}`);
    // Checkboxes after the first of a group may leave the title empty; every other preference needs one.
    if (p.type === "checkbox" && p.title === "") {
      // grouped checkbox
    } else checkTitle(at, p.title);
    checkSpelling(at, p.title);
    checkSpelling(at, p.description);
    if (p.type === "checkbox") {
      if (typeof p.label !== "string" || p.label === "") problem(at, "a checkbox needs a label");
      if (p.default !== undefined && typeof p.default !== "boolean")
        problem(at, "a checkbox default must be true or false");
    }
    if (p.type === "dropdown") {
      const data = Array.isArray(p.data) ? p.data : [];
      if (data.length === 0) problem(at, "a dropdown needs data: [{ title, value }]");
      data.forEach((d, j) => {
        if (typeof d?.title !== "string" || typeof d?.value !== "string")
          problem(at, `data #${j + 1} needs a string title and value`);
      });
      if (p.default !== undefined && !data.some((d) => d?.value === p.default))
        problem(at, `default ${JSON.stringify(p.default)} is not one of the dropdown values`);
    }
    if (["textfield", "password"].includes(p.type) && p.default !== undefined && typeof p.default !== "string")
      problem(at, "a text default must be a string");
    if (p.required === false && p.default === undefined && p.type === "textfield" && !p.placeholder)
      problem(at, "an optional text field needs a placeholder");
  });
}

function checkCommand(c, i, names) {
  const where = `command ${c?.name ?? `#${i + 1}`}`;
  if (typeof c !== "object" || c === null) return problem(where, "must be an object");
  for (const key of ["name", "title", "description", "mode"]) {
    if (typeof c[key] !== "string" || c[key] === "") problem(where, `"${key}" is required`);
  }
  if (typeof c.name === "string") {
    if (names.has(c.name)) problem(where, "duplicate command name");
    names.add(c.name);
    const file = ["ts", "tsx", "js", "jsx"].map((ext) => join(root, "src", `${c.name}.${ext}`)).find(existsSync);
    if (!file) problem(where, `no entry file src/${c.name}.{ts,tsx,js,jsx}`);
  }
  checkTitle(where, c.title);
  checkSpelling(where, c.title);
  checkSpelling(where, c.subtitle);
  checkSpelling(where, c.description);
  if (c.mode !== undefined && !MODES.includes(c.mode))
    problem(where, `mode "${c.mode}" is not one of ${MODES.join(", ")}`);
  if (c.interval !== undefined) {
    if (!["no-view", "menu-bar"].includes(c.mode))
      problem(where, "interval is only allowed on no-view and menu-bar commands");
    const seconds = typeof c.interval === "string" ? intervalSeconds(c.interval) : undefined;
    if (seconds === undefined) problem(where, `interval "${c.interval}" must be a number and s, m, h or d (e.g. "1m")`);
    else if (seconds < 60) problem(where, `interval "${c.interval}" is below the 1m minimum`);
  }
  if (c.icon !== undefined) checkIcon(where, c.icon, { required: false });
  if (c.arguments !== undefined) {
    if (!Array.isArray(c.arguments) || c.arguments.length > 3) problem(where, "at most 3 arguments");
    else
      c.arguments.forEach((a) => {
        if (!a?.name || !a?.type || !a?.placeholder) problem(where, "each argument needs name, type and placeholder");
      });
  }
  checkPreferences(where, c.preferences);
}

let manifest;
try {
  manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
} catch (e) {
  console.error(`check-manifest: cannot read ${join(root, "package.json")}: ${e.message}`);
  process.exit(1);
}

for (const key of ["name", "title", "description", "icon", "author", "categories", "commands"]) {
  if (manifest[key] === undefined || manifest[key] === "") problem("package.json", `"${key}" is required`);
}
if (typeof manifest.name === "string" && !/^[a-z0-9][a-z0-9-]*$/.test(manifest.name))
  problem("package.json", `name "${manifest.name}" must be lower case letters, digits and dashes`);
if (manifest.license !== "MIT") problem("package.json", 'license must be "MIT" for the Raycast Store');
checkTitle("package.json", manifest.title);
checkSpelling("package.json", manifest.title);
checkSpelling("package.json", manifest.description);
checkIcon("package.json", manifest.icon, { required: true });

if (manifest.categories !== undefined) {
  if (!Array.isArray(manifest.categories) || manifest.categories.length === 0)
    problem("package.json", "categories must be a non-empty list");
  else
    for (const c of manifest.categories)
      if (!CATEGORIES.includes(c)) problem("package.json", `category "${c}" is not one of ${CATEGORIES.join(", ")}`);
}
if (manifest.platforms !== undefined) {
  if (!Array.isArray(manifest.platforms) || manifest.platforms.length === 0)
    problem("package.json", "platforms must be a non-empty list");
  else
    for (const p of manifest.platforms)
      if (!PLATFORMS.includes(p)) problem("package.json", `platform "${p}" is not one of ${PLATFORMS.join(", ")}`);
}
if (
  manifest.keywords !== undefined &&
  !(Array.isArray(manifest.keywords) && manifest.keywords.every((k) => typeof k === "string"))
)
  problem("package.json", "keywords must be a list of strings");

if (Array.isArray(manifest.commands)) {
  if (manifest.commands.length === 0) problem("package.json", "at least one command is required");
  const names = new Set();
  manifest.commands.forEach((c, i) => checkCommand(c, i, names));
} else if (manifest.commands !== undefined) problem("package.json", "commands must be a list");
checkPreferences("package.json", manifest.preferences);

if (problems.length > 0) {
  console.error(`check-manifest: ${problems.length} problem(s):`);
  for (const p of problems) console.error(`  ${p}`);
  process.exit(1);
}
console.log(
  `check-manifest: OK (${manifest.commands.length} commands, ${manifest.preferences?.length ?? 0} preferences, icons 512×512)`,
);
