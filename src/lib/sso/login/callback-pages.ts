// The HTML the browser shows when it comes back to the loopback listener: a clear "done" or "what went wrong".

export interface ResultPage {
  ok: boolean;
  title: string;
  message: string;
}

export function resultHtml(page: ResultPage): string {
  const colour = page.ok ? "#1a7f37" : "#cf222e";
  const mark = page.ok ? "&#10003;" : "&#10007;";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>StormTunnel: ${escapeHtml(page.title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:-apple-system,BlinkMacSystemFont,"Segoe UI",sans-serif;display:flex;min-height:90vh;
align-items:center;justify-content:center;background:#f6f8fa;color:#1f2328}main{max-width:32rem;padding:2rem;
background:#fff;border-radius:12px;box-shadow:0 1px 3px rgba(0,0,0,.12);text-align:center}
.mark{font-size:3rem;color:${colour}}h1{font-size:1.4rem}p{line-height:1.5}</style></head>
<body><main><div class="mark">${mark}</div><h1 id="title">${escapeHtml(page.title)}</h1>
<p id="message">${escapeHtml(page.message)}</p></main></body></html>`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
