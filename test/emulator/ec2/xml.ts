// The few XML shapes of the EC2 query protocol that the emulator needs.

export function escapeXml(s: string): string {
  return s.replace(
    /[<>&"']/g,
    (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c] as string,
  );
}

/** `<tag>value</tag>`, escaped; nothing when the value is undefined. */
export function el(tag: string, value: string | number | undefined): string {
  return value === undefined ? "" : `<${tag}>${escapeXml(String(value))}</${tag}>`;
}

export function errorXml(code: string, message: string, requestId: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error>${el("Code", code)}${el("Message", message)}</Error></Errors>${el("RequestID", requestId)}</Response>`;
}
