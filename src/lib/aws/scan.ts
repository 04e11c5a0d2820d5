// Line scanner for ~/.aws/config with the semantics of Python's configparser.RawConfigParser as botocore uses it
// (strict, `=` or `:` separators, `#`/`;` full-line comments, lower-cased keys, indented continuation lines).
//
// Why not the `ini` package for this: it nests section names on dots ("profile a.b"), merges duplicate
// sections and keys silently, knows only `=`, keeps key case and strips inline comments. Each of those
// would make us disagree with the AWS CLI about the very file both tools read.
//
// Inline comments: like botocore we keep `value # text` / `value ; text` as part of the value (there are
// no inline comment prefixes in RawConfigParser). Only whole-line comments are dropped. Text after the
// closing `]` of a section header is ignored, which is what makes `[profile x] ; comment` work.
import type { ConfigProblem } from "./types";

export interface RawValue {
  /** Lower-cased key, as configparser's optionxform makes it. */
  key: string;
  /** Value with continuation lines joined by "\n", trailing whitespace removed. */
  value: string;
  line: number;
}

export interface RawSection {
  /** Text between the brackets, as written (configparser keeps case and inner spacing). */
  header: string;
  line: number;
  values: Map<string, RawValue>;
}

export interface ScanResult {
  sections: RawSection[];
  problems: ConfigProblem[];
}

const SECTION_HEADER = /^\[(.+)\]/; // greedy like configparser's SECTCRE: up to the last "]" on the line
const OPTION = /^(.*?)\s*(=|:)\s*(.*)$/;
const DEFAULT_SECTION = "DEFAULT"; // configparser's special section: its keys show up in every section

export function scanIni(text: string): ScanResult {
  const problems: ConfigProblem[] = [];
  const sections = new Map<string, RawSection>();
  const parts: Map<RawValue, string[]> = new Map();
  const defaults: RawSection = { header: DEFAULT_SECTION, line: 0, values: new Map() };
  let current: RawSection | undefined;
  let currentValue: RawValue | undefined;
  let indentLevel = 0;
  // Keys met since the current header: a repeated section is reported once, not once per repeated key.
  let keysHere = new Set<string>();

  if (text.startsWith("\uFEFF")) {
    text = text.slice(1);
    problems.push({
      section: "",
      line: 1,
      severity: "warning",
      message:
        "The file starts with a byte-order mark (BOM): StormTunnel reads it, but every AWS CLI command fails with " +
        '"Unable to parse config file".',
      fix: "Save the file as UTF-8 without a BOM (in most editors: Save with Encoding → UTF-8), or remove the first three bytes.",
    });
  }

  // Python reads in text mode with universal newlines: \r\n, \r and \n all end a line.
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const raw = lines[i];
    const stripped = raw.trim();
    if (stripped === "" || stripped.startsWith("#") || stripped.startsWith(";")) {
      // A blank (not comment) line inside a value becomes an empty continuation; trailing ones are trimmed at the end.
      if (stripped === "" && currentValue) parts.get(currentValue)?.push("");
      continue;
    }
    const indent = raw.search(/\S/);
    if (current && currentValue && indent > indentLevel) {
      parts.get(currentValue)?.push(stripped);
      continue;
    }
    indentLevel = indent;
    const header = SECTION_HEADER.exec(stripped);
    if (header) {
      const name = header[1];
      currentValue = undefined;
      keysHere = new Set();
      if (name === DEFAULT_SECTION) {
        current = defaults;
        problems.push({
          section: name,
          line: lineNo,
          severity: "warning",
          message: "[DEFAULT] (upper case) is special to the AWS CLI's parser: its keys are copied into every section.",
          fix: "Use [default] for the default profile, or move these keys into the profiles that need them.",
        });
        continue;
      }
      const existing = sections.get(name);
      if (existing) {
        problems.push({
          section: name,
          line: lineNo,
          severity: "error",
          message: `Section [${name}] appears more than once (first on line ${existing.line}); the AWS CLI refuses the whole file: Unable to parse config file.`,
          fix: `Merge the two [${name}] sections into one. Until then later keys win here, as in the AWS SDK for JavaScript.`,
        });
        current = existing;
      } else {
        current = { header: name, line: lineNo, values: new Map() };
        sections.set(name, current);
      }
      continue;
    }
    if (!current) {
      problems.push({
        section: "",
        line: lineNo,
        severity: "error",
        message: `Line ${lineNo} comes before any [section] header; the AWS CLI cannot parse the file (MissingSectionHeaderError).`,
        fix: "Move the line under a section such as [default] or [profile NAME], or delete it.",
      });
      continue;
    }
    const option = OPTION.exec(stripped);
    if (!option || option[1] === "") {
      currentValue = undefined;
      problems.push({
        section: current.header,
        line: lineNo,
        severity: "error",
        message: `Line ${lineNo} is neither "key = value" nor a section header; the AWS CLI cannot parse the file.`,
        fix: "Write it as key = value, indent it under the key it continues, or comment it out with #.",
      });
      continue;
    }
    const key = option[1].trimEnd().toLowerCase();
    const previous = current.values.get(key);
    if (previous && keysHere.has(key)) {
      problems.push({
        section: current.header,
        key,
        line: lineNo,
        severity: "error",
        message: `Key ${key} appears more than once in [${current.header}] (first on line ${previous.line}); the AWS CLI refuses the whole file: Unable to parse config file.`,
        fix: `Keep one ${key} line in [${current.header}]. Until then the later value wins here.`,
      });
    }
    keysHere.add(key);
    currentValue = { key, value: "", line: lineNo };
    parts.set(currentValue, [option[3].trim()]);
    current.values.set(key, currentValue);
  }

  for (const [value, lines] of parts) value.value = lines.join("\n").trimEnd();
  const result = [...sections.values()];
  if (defaults.values.size > 0) {
    for (const section of result) {
      for (const [key, value] of defaults.values) if (!section.values.has(key)) section.values.set(key, value);
    }
  }
  return { sections: result, problems };
}
