// Which kind of section a header names, following botocore's build_profile_map: the header is split like a
// POSIX shell (shlex) so `[profile "my name"]` works, and only two-word headers count.

export type SectionKind = "profile" | "sso-session" | "services" | "other";

export interface SectionName {
  kind: SectionKind;
  /** Profile / session / services name; absent for "other" or when the header is malformed. */
  name?: string;
  /** Why a header that starts like a known kind was ignored. */
  ignored?: string;
}

export function classifySection(header: string): SectionName {
  if (header === "default") return { kind: "profile", name: "default" };
  // botocore tests with startswith, so "[profiles x]" is a profile too; we follow it to agree with the CLI.
  const kind: SectionKind | undefined = header.startsWith("profile")
    ? "profile"
    : header.startsWith("sso-session")
      ? "sso-session"
      : header.startsWith("services")
        ? "services"
        : undefined;
  if (!kind) return { kind: "other" };
  const words = shlexSplit(header);
  if (!words) return { kind: "other", ignored: "it has an unbalanced quote or a trailing backslash" };
  if (words.length !== 2) {
    const why = words.length < 2 ? "it has no name" : "the name has spaces (quote it)";
    return { kind: "other", ignored: why };
  }
  return { kind, name: words[1] };
}

/** POSIX shlex.split (no comments); undefined where Python raises ValueError. */
export function shlexSplit(text: string): string[] | undefined {
  const words: string[] = [];
  let word: string | undefined;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === " " || c === "\t" || c === "\r" || c === "\n") {
      if (word !== undefined) words.push(word);
      word = undefined;
      i++;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) return undefined;
      word = (word ?? "") + text.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      let j = i + 1;
      let out = "";
      for (;;) {
        if (j >= text.length) return undefined;
        const d = text[j];
        if (d === '"') break;
        // Inside double quotes a backslash only escapes `"` and `\`.
        if (d === "\\" && (text[j + 1] === '"' || text[j + 1] === "\\")) {
          out += text[j + 1];
          j += 2;
        } else {
          out += d;
          j++;
        }
      }
      word = (word ?? "") + out;
      i = j + 1;
    } else if (c === "\\") {
      if (i + 1 >= text.length) return undefined;
      word = (word ?? "") + text[i + 1];
      i += 2;
    } else {
      word = (word ?? "") + c;
      i++;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}
