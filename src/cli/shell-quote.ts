// Commands we print for the user to paste: names with spaces or shell syntax (`my db`, `;rm -rf ~`) must arrive as
// one harmless word.

/** A POSIX-shell word for `value`: bare when it is plainly safe, else single-quoted ('\'' for a quote inside). */
export function shellQuote(value: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
