// The HTML a browser sees: consent for /authorize, code entry and consent for the device flow.

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title: string, body: string, script = ""): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem}
button{font-size:1rem;padding:.5rem 1.5rem;margin-right:.5rem}code{font-size:1.4rem}</style></head>
<body><h1>${escapeHtml(title)}</h1>
${body}${script ? `\n<script>${script}</script>` : ""}
</body></html>
`;
}

function hidden(fields: Record<string, string>): string {
  return Object.entries(fields)
    .map(([k, v]) => `<input type="hidden" name="${escapeHtml(k)}" value="${escapeHtml(v)}">`)
    .join("");
}

function decisionForm(action: string, fields: Record<string, string>): string {
  return `<form method="post" action="${escapeHtml(action)}">${hidden(fields)}
<button type="submit" name="decision" value="allow" id="allow">Allow</button>
<button type="submit" name="decision" value="deny" id="deny">Deny</button>
</form>`;
}

/** Consent page; it also follows a decision made elsewhere (a test calling emulator.oidc.approve). */
export function authorizePage(requestId: string, clientName: string, scopes: string[]): string {
  // Stop following once the user clicked, or the browser would reach the callback twice.
  const poll = `const t=setInterval(async()=>{try{const r=await fetch("/authorize/status?request_id=${encodeURIComponent(requestId)}");
const s=await r.json();if(s.location&&!clicked){clearInterval(t);location.href=s.location;}}catch(e){}},500);
let clicked=false;document.querySelector("form").addEventListener("submit",()=>{clicked=true;clearInterval(t);});`;
  return page(
    "Allow access?",
    `<p>The application <strong id="client-name">${escapeHtml(clientName)}</strong> wants to access your AWS accounts.</p>
<p>Scopes: <span id="scopes">${escapeHtml(scopes.join(" ") || "(none)")}</span></p>
${decisionForm("/authorize", { request_id: requestId })}`,
    poll,
  );
}

export function deviceEntryPage(error?: string): string {
  return page(
    "Authorize request",
    `${error ? `<p id="error" role="alert">${escapeHtml(error)}</p>` : ""}
<form method="get" action="/"><label>Code <input name="user_code" id="user_code" autocomplete="off"></label>
<button type="submit" id="next">Next</button></form>`,
  );
}

export function deviceConfirmPage(userCode: string, clientName: string): string {
  return page(
    "Allow access?",
    `<p>Confirm this code matches the one shown by <strong id="client-name">${escapeHtml(clientName)}</strong>:</p>
<p><code id="user-code">${escapeHtml(userCode)}</code></p>
${decisionForm("/", { user_code: userCode })}`,
  );
}

export function messagePage(title: string, message: string): string {
  return page(title, `<p id="message">${escapeHtml(message)}</p>`);
}
