import type { PanelProcedure } from './panel.catalog';

/** Where the page loads its script and style from: files, so the CSP needs no inline exception. */
export const PANEL_SCRIPT_PATH = '/panel/panel.js';
export const PANEL_STYLE_PATH = '/panel/panel.css';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);

export const PANEL_STYLE = `
  :root { color-scheme: light dark; --muted: #6b7280; --line: #d1d5db; --accent: #2563eb; }
  * { box-sizing: border-box; }
  body { font: 14px/1.45 system-ui, sans-serif; margin: 0; }
  header { position: sticky; top: 0; z-index: 1; display: flex; flex-wrap: wrap; gap: 12px; align-items: center;
    padding: 12px 20px; border-bottom: 1px solid var(--line); background: Canvas; }
  header h1 { font-size: 18px; margin: 0 12px 0 0; }
  header input { font: inherit; padding: 6px 8px; border: 1px solid var(--line); border-radius: 6px; }
  #token { flex: 1 1 320px; font-family: ui-monospace, monospace; }
  main { padding: 16px 20px; display: grid; gap: 14px; max-width: 1100px; }
  .procedure { border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; }
  .procedure h2 { font: 600 15px ui-monospace, monospace; margin: 0; display: inline; }
  .badge { display: inline-block; font-size: 12px; padding: 1px 8px; margin-left: 8px; border-radius: 999px; border: 1px solid var(--line); }
  .badge.query { color: #047857; } .badge.mutation { color: #b45309; } .badge.subscription { color: #7c3aed; }
  .meta { color: var(--muted); margin: 4px 0 8px; }
  details pre, .output { font: 12px/1.4 ui-monospace, monospace; white-space: pre-wrap; word-break: break-word; margin: 6px 0;
    padding: 8px; border-radius: 6px; background: color-mix(in srgb, CanvasText 6%, Canvas); max-height: 360px; overflow: auto; }
  textarea { width: 100%; font: 12px/1.4 ui-monospace, monospace; padding: 8px; border: 1px solid var(--line); border-radius: 6px; }
  button { font: inherit; padding: 5px 14px; border-radius: 6px; border: 1px solid var(--accent); background: var(--accent); color: white; cursor: pointer; }
  button.stop { background: transparent; color: var(--accent); }
  button:disabled { opacity: .4; cursor: default; }
  .output:empty, .curl:empty { display: none; }
  .curl { font: 12px/1.4 ui-monospace, monospace; white-space: pre-wrap; word-break: break-all; margin: 6px 0; color: var(--muted); }
  .form { display: grid; gap: 6px; margin: 6px 0; }
  .form fieldset { border: 1px solid var(--line); border-radius: 6px; padding: 6px 10px; display: grid; gap: 6px; }
  .form legend { font: 600 12px ui-monospace, monospace; }
  .form label { display: grid; grid-template-columns: 160px 1fr; gap: 8px; align-items: center; font: 12px ui-monospace, monospace; }
  .form label .required { color: #dc2626; }
  .form input, .form select { font: inherit; padding: 3px 6px; border: 1px solid var(--line); border-radius: 4px; }
  .form .array-item { display: grid; grid-template-columns: 1fr auto; gap: 6px; align-items: start; }
  .form button.small { padding: 1px 8px; font-size: 12px; }
  .json-label { font-size: 12px; color: var(--muted); }
  #history { max-width: 1100px; padding: 0 20px 24px; }
  #history ol { padding-left: 18px; display: grid; gap: 6px; }
  #history li code { display: block; font-size: 12px; white-space: pre-wrap; word-break: break-all; color: var(--muted); }
  .output[data-status^="2"] { border-left: 3px solid #059669; } .output:not([data-status^="2"])[data-status] { border-left: 3px solid #dc2626; }
`;

function renderProcedure(procedure: PanelProcedure): string {
  const roles = procedure.roles.length ? procedure.roles.join(', ') : 'see the procedure';
  const rest = procedure.rest ? ` · REST: <code>${escapeHtml(`${procedure.rest.method} ${procedure.rest.path}`)}</code>` : ' · no REST route';
  const schema = procedure.inputSchema ? JSON.stringify(procedure.inputSchema, null, 2) : 'no input';
  const example = procedure.example === null ? '' : JSON.stringify(procedure.example, null, 2);
  const isSubscription = procedure.type === 'subscription';
  return `
  <section class="procedure" data-path="${escapeHtml(procedure.path)}" data-type="${procedure.type}">
    <h2>${escapeHtml(procedure.path)}</h2><span class="badge ${procedure.type}">${procedure.type}</span>
    <div class="meta">${procedure.summary ? `${escapeHtml(procedure.summary)} · ` : ''}who: ${escapeHtml(roles)}${rest}</div>
    <details><summary>Input schema (JSON Schema)</summary><pre class="schema">${escapeHtml(schema)}</pre></details>
    <details><summary>Output type</summary><pre class="output-type">${escapeHtml(procedure.outputType)}</pre></details>
    <div class="form" aria-label="input form of ${escapeHtml(procedure.path)}"></div>
    <div class="json-label">Input as JSON (the form writes it; edit it directly if you prefer)</div>
    <textarea spellcheck="false" rows="${Math.min(14, Math.max(3, example.split('\n').length))}" aria-label="input of ${escapeHtml(procedure.path)}">${escapeHtml(example)}</textarea>
    <p><button class="call" type="button">${isSubscription ? 'Follow' : 'Call'}</button>${
      isSubscription ? ' <button class="stop" type="button" disabled>Stop</button>' : ''
    }</p>
    <pre class="curl" title="the same call with curl"></pre>
    <pre class="output" aria-live="polite"></pre>
  </section>`;
}

/** JSON inside a `<script type="application/json">` block: `<` escaped so no text can end the block. */
const jsonDataBlock = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

/**
 * The panel: one HTML page listing every procedure with its input schema, a form generated from it, the
 * output type, an example input, and a button that calls it at `trpcUrl` with the token typed at the top
 * (kept in memory only). Each call shows its curl line and joins the history at the bottom.
 */
export function renderPanelPage(procedures: readonly PanelProcedure[], options: { trpcUrl: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Delivery system · tRPC panel</title>
  <link rel="stylesheet" href="${PANEL_STYLE_PATH}">
</head>
<body data-trpc-url="${escapeHtml(options.trpcUrl)}">
  <header>
    <h1>tRPC panel</h1>
    <input id="token" type="password" autocomplete="off" placeholder="Bearer token (pnpm delivery token --role customer --sub alice --email alice@example.com)" aria-label="token">
    <input id="filter" type="search" placeholder="filter: order." aria-label="filter procedures">
    <a href="/docs">REST docs</a> <a href="/openapi.json">openapi.json</a>
  </header>
  <main>
    <p class="meta">${procedures.length} procedures at <code>${escapeHtml(options.trpcUrl)}</code>. Queries are sent as GET with <code>?input=</code>,
    mutations as POST with a JSON body, subscriptions are followed over Server-Sent Events. Order ids in the examples are placeholders: place an order first.</p>
    ${procedures.map(renderProcedure).join('\n')}
  </main>
  <section id="history" aria-label="history of calls"><h2>History</h2><p class="meta">No call yet.</p><ol></ol></section>
  <script type="application/json" id="panel-catalog">${jsonDataBlock(Object.fromEntries(procedures.map((procedure) => [procedure.path, procedure.inputSchema])))}</script>
  <script src="${PANEL_SCRIPT_PATH}"></script>
</body>
</html>`;
}
