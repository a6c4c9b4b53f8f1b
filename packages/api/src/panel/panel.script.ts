/**
 * The panel's browser code, inlined into the page (no build step, no CDN). Plain ES2020 that every
 * current browser runs. It reads the catalog from `#panel-catalog` and calls `/trpc` the way any client
 * does: GET with `?input=` for queries, POST with a JSON body for mutations, and for subscriptions a GET
 * read as a Server-Sent Events stream. `fetch` reads that stream instead of `EventSource` because
 * `EventSource` cannot send the `Authorization` header the API reads the token from.
 */
export const PANEL_SCRIPT = String.raw`
(() => {
  const trpcUrl = document.body.dataset.trpcUrl;
  const tokenInput = document.getElementById('token');
  const filterInput = document.getElementById('filter');
  const TOKEN_KEY = 'delivery-panel-token';
  tokenInput.value = sessionStorage.getItem(TOKEN_KEY) || '';
  tokenInput.addEventListener('input', () => sessionStorage.setItem(TOKEN_KEY, tokenInput.value.trim()));

  filterInput.addEventListener('input', () => {
    const needle = filterInput.value.trim().toLowerCase();
    for (const card of document.querySelectorAll('.procedure')) {
      card.hidden = needle !== '' && !card.dataset.path.toLowerCase().includes(needle);
    }
  });

  const headers = (extra) => {
    const token = tokenInput.value.trim();
    return Object.assign(token ? { authorization: 'Bearer ' + token } : {}, extra || {});
  };

  const show = (output, status, text) => {
    let body = text;
    try { body = JSON.stringify(JSON.parse(text), null, 2); } catch (_) { /* not JSON: shown as is */ }
    output.textContent = status + '\n' + body;
    output.dataset.status = String(status).split(' ')[0];
  };

  /** The textarea's JSON, or undefined when empty; throws a readable error for bad JSON. */
  const readInput = (card) => {
    const text = card.querySelector('textarea').value.trim();
    if (text === '') return undefined;
    try { return JSON.parse(text); } catch (error) { throw new Error('The input is not valid JSON: ' + error.message); }
  };

  const urlFor = (path, input) =>
    trpcUrl + '/' + path + (input === undefined ? '' : '?input=' + encodeURIComponent(JSON.stringify(input)));

  async function call(card) {
    const output = card.querySelector('.output');
    output.textContent = 'calling...';
    try {
      const input = readInput(card);
      const path = card.dataset.path;
      const response = card.dataset.type === 'query'
        ? await fetch(urlFor(path, input), { headers: headers() })
        : await fetch(trpcUrl + '/' + path, {
            method: 'POST',
            headers: headers({ 'content-type': 'application/json' }),
            body: input === undefined ? undefined : JSON.stringify(input),
          });
      show(output, response.status + ' ' + response.statusText, await response.text());
    } catch (error) {
      output.textContent = String(error.message || error);
      output.dataset.status = 'error';
    }
  }

  /** Follows a subscription: one line per SSE event (tRPC sends "connected", data, "ping" and errors). */
  async function follow(card) {
    const output = card.querySelector('.output');
    const stop = card.querySelector('.stop');
    const controller = new AbortController();
    stop.disabled = false;
    stop.onclick = () => controller.abort();
    output.textContent = 'connecting...\n';
    try {
      const response = await fetch(urlFor(card.dataset.path, readInput(card)), {
        headers: headers({ accept: 'text/event-stream' }),
        signal: controller.signal,
      });
      if (!response.ok || !response.body) {
        show(output, response.status + ' ' + response.statusText, await response.text());
        return;
      }
      output.textContent = 'following (' + response.status + ')\n';
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = { event: 'message', data: '', id: '' };
          for (const line of frame.split('\n')) {
            const colon = line.indexOf(':');
            if (colon <= 0) continue;
            const field = line.slice(0, colon);
            const text = line.slice(colon + 1).replace(/^ /, '');
            if (field === 'data') event.data += (event.data ? '\n' : '') + text;
            else if (field === 'event' || field === 'id') event[field] = text;
          }
          if (event.event === 'ping') continue;
          output.textContent += event.event + (event.id ? ' #' + event.id : '') + ': ' + event.data + '\n';
        }
      }
      output.textContent += 'stream ended\n';
    } catch (error) {
      output.textContent += (error.name === 'AbortError' ? 'stopped' : String(error.message || error)) + '\n';
    } finally {
      stop.disabled = true;
    }
  }

  for (const card of document.querySelectorAll('.procedure')) {
    card.querySelector('.call').addEventListener('click', () => (card.dataset.type === 'subscription' ? follow(card) : call(card)));
  }
})();
`;
