// The HTML the browser shows when it comes back to the loopback listener: a clear "done" or "what went wrong".
// Served under `default-src 'none'`: no style, script, image or frame may load, so the page is plain HTML.

export interface ResultPage {
  ok: boolean;
  title: string;
  message: string;
}

/** Headers on every answer of the loopback listener: nothing loads, nothing is sniffed, framed or referred. */
export const CALLBACK_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy": "default-src 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
};

export function resultHtml(page: ResultPage): string {
  const mark = page.ok ? "&#10003;" : "&#10007;";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>StormTunnel: ${escapeHtml(page.title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><main><h1 id="title">${escapeHtml(page.title)}</h1>
<p id="mark" aria-hidden="true">${mark}</p>
<p id="message">${escapeHtml(page.message)}</p></main></body></html>`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
