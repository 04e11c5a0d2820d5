// Joining messages: a reason that already ends a sentence ("… `aws sso login`).") must not gain a second full stop.

/** `text` trimmed and ending in exactly one sentence mark: its own `.`, `!` or `?`, else an added `.`. */
export function sentence(text: string): string {
  const t = text.trim().replace(/\.+$/, ".");
  return /[.!?]$/.test(t) ? t : `${t}.`;
}
