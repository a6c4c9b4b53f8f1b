/**
 * The panel's browser code, served as `/panel/panel.js` (no build step, no CDN, no inline script). Plain
 * ES2020 that every current browser runs. It builds a form for each procedure from its input's JSON Schema
 * (read from `#panel-catalog`), keeps the JSON input beside it in step, and calls `/trpc` the way any client
 * does: GET with `?input=` for queries, POST with a JSON body for mutations, and for subscriptions a GET
 * read as a Server-Sent Events stream (`fetch`, because `EventSource` cannot send the `Authorization`
 * header). The token stays in memory: nothing is written to localStorage, sessionStorage or cookies.
 * Every call shows its curl line and joins the history.
 */
export const PANEL_SCRIPT = String.raw`
(() => {
  const trpcUrl = document.body.dataset.trpcUrl;
  const tokenInput = document.getElementById('token');
  const filterInput = document.getElementById('filter');
  const schemas = JSON.parse(document.getElementById('panel-catalog').textContent);
  const historyList = document.querySelector('#history ol');

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

  // ---- forms from JSON Schema ---------------------------------------------------------------------------
  const element = (tag, attributes, children) => {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (name === 'text') node.textContent = value; else node.setAttribute(name, value);
    }
    for (const child of children || []) node.append(child);
    return node;
  };

  /** The schema without a null or undefined variant (optional and nullable fields). */
  const solid = (schema) => {
    const variants = schema && (schema.anyOf || schema.oneOf);
    if (!variants) return schema || {};
    return variants.find((variant) => variant.type !== 'null') || {};
  };
  const typeOf = (schema) => (Array.isArray(schema.type) ? schema.type.find((type) => type !== 'null') : schema.type);

  /** A control for one value; onChange(next) with undefined for "not given". */
  function control(schema, value, label, required, onChange) {
    schema = solid(schema);
    const type = typeOf(schema);
    const name = element('span', { text: label }, required ? [element('span', { class: 'required', text: ' *' })] : []);
    if (type === 'object' && schema.properties) {
      const current = value && typeof value === 'object' ? Object.assign({}, value) : {};
      const fieldset = element('fieldset', {}, [element('legend', { text: label })]);
      const requiredNames = new Set(schema.required || []);
      for (const [key, field] of Object.entries(schema.properties)) {
        fieldset.append(control(field, current[key], key, requiredNames.has(key), (next) => {
          if (next === undefined) delete current[key]; else current[key] = next;
          onChange(Object.assign({}, current));
        }));
      }
      return fieldset;
    }
    if (type === 'array') {
      const items = Array.isArray(value) ? value.slice() : [];
      const fieldset = element('fieldset', {}, [element('legend', { text: label + ' (list)' })]);
      const list = element('div');
      const redraw = () => {
        list.replaceChildren(...items.map((item, index) => element('div', { class: 'array-item' }, [
          control(schema.items || {}, item, label + '[' + index + ']', true, (next) => { items[index] = next; onChange(items.slice()); }),
          (() => {
            const remove = element('button', { type: 'button', class: 'small stop', text: 'remove' });
            remove.addEventListener('click', () => { items.splice(index, 1); redraw(); onChange(items.slice()); });
            return remove;
          })(),
        ])));
      };
      const add = element('button', { type: 'button', class: 'small', text: '+ add ' + label });
      add.addEventListener('click', () => { items.push(undefined); redraw(); onChange(items.slice()); });
      redraw();
      fieldset.append(list, add);
      return fieldset;
    }
    let input;
    if (schema.enum || type === 'boolean') {
      const options = schema.enum || [true, false];
      input = element('select', {}, [element('option', { value: '', text: required ? 'choose…' : '(not given)' })]
        .concat(options.map((option) => element('option', { value: JSON.stringify(option), text: String(option) }))));
      input.value = value === undefined ? '' : JSON.stringify(value);
      input.addEventListener('change', () => onChange(input.value === '' ? undefined : JSON.parse(input.value)));
    } else {
      const numeric = type === 'integer' || type === 'number';
      input = element('input', { type: numeric ? 'number' : 'text' });
      if (numeric && type === 'integer') input.step = '1';
      if (schema.minimum !== undefined) input.min = String(schema.minimum);
      if (schema.maximum !== undefined) input.max = String(schema.maximum);
      input.value = value === undefined || value === null ? '' : String(value);
      input.addEventListener('input', () => {
        if (input.value === '') return onChange(undefined);
        onChange(numeric ? Number(input.value) : input.value);
      });
    }
    input.setAttribute('aria-label', label);
    return element('label', {}, [name, input]);
  }

  function buildForm(card) {
    const schema = schemas[card.dataset.path];
    const form = card.querySelector('.form');
    const textarea = card.querySelector('textarea');
    if (!schema || typeOf(solid(schema)) !== 'object') { form.hidden = true; return; }
    let value;
    try { value = textarea.value.trim() ? JSON.parse(textarea.value) : undefined; } catch (_) { value = undefined; }
    // What the form last wrote or was built from: a change event with the same text redraws nothing.
    form.dataset.source = textarea.value;
    form.replaceChildren(control(schema, value, 'input', true, (next) => {
      textarea.value = next === undefined ? '' : JSON.stringify(next, null, 2);
      form.dataset.source = textarea.value;
    }));
  }

  // ---- calls ------------------------------------------------------------------------------------------
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

  const shellQuote = (text) => "'" + text.replace(/'/g, "'\\''") + "'";

  /** The same call with curl; the token is written as $TOKEN, never printed. */
  function curlLine(type, path, input) {
    const absolute = (url) => new URL(url, location.href).href;
    const auth = tokenInput.value.trim() ? ' -H "authorization: Bearer $TOKEN"' : '';
    if (type === 'mutation') {
      const body = input === undefined ? '' : " -H 'content-type: application/json' -d " + shellQuote(JSON.stringify(input));
      return 'curl -s -X POST ' + shellQuote(absolute(trpcUrl + '/' + path)) + auth + body;
    }
    return 'curl -s' + (type === 'subscription' ? 'N' : '') + ' ' + shellQuote(absolute(urlFor(path, input))) + auth;
  }

  function remember(card, input, status, curl, startedAt) {
    document.querySelector('#history .meta').hidden = true;
    const entry = element('li', {}, [
      element('strong', { text: card.dataset.path }),
      document.createTextNode(' · ' + status + ' · ' + Math.round(performance.now() - startedAt) + ' ms · ' + new Date().toLocaleTimeString() + ' '),
      (() => {
        const again = element('button', { type: 'button', class: 'small stop', text: 'use this input' });
        again.addEventListener('click', () => {
          card.querySelector('textarea').value = input === undefined ? '' : JSON.stringify(input, null, 2);
          buildForm(card);
          card.scrollIntoView();
        });
        return again;
      })(),
      element('code', { text: curl }),
    ]);
    entry.dataset.path = card.dataset.path;
    historyList.prepend(entry);
  }

  async function call(card) {
    const output = card.querySelector('.output');
    const startedAt = performance.now();
    output.textContent = 'calling...';
    let input;
    try {
      input = readInput(card);
      const path = card.dataset.path;
      const curl = curlLine(card.dataset.type, path, input);
      card.querySelector('.curl').textContent = curl;
      const response = card.dataset.type === 'query'
        ? await fetch(urlFor(path, input), { headers: headers() })
        : await fetch(trpcUrl + '/' + path, {
            method: 'POST',
            headers: headers({ 'content-type': 'application/json' }),
            body: input === undefined ? undefined : JSON.stringify(input),
          });
      const status = response.status + ' ' + response.statusText;
      show(output, status, await response.text());
      remember(card, input, status, curl, startedAt);
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
    const startedAt = performance.now();
    stop.disabled = false;
    stop.onclick = () => controller.abort();
    output.textContent = 'connecting...\n';
    try {
      const input = readInput(card);
      const curl = curlLine('subscription', card.dataset.path, input);
      card.querySelector('.curl').textContent = curl;
      const response = await fetch(urlFor(card.dataset.path, input), {
        headers: headers({ accept: 'text/event-stream' }),
        signal: controller.signal,
      });
      remember(card, input, response.status + ' ' + response.statusText + ' (stream)', curl, startedAt);
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
    buildForm(card);
    // JSON typed by hand redraws the form as soon as it parses (not on blur, which would move the buttons
    // under a click that caused it).
    const textarea = card.querySelector('textarea');
    textarea.addEventListener('input', () => {
      if (textarea.value === card.querySelector('.form').dataset.source) return;
      try { if (textarea.value.trim()) JSON.parse(textarea.value); } catch (_) { return; }
      buildForm(card);
    });
    card.querySelector('.call').addEventListener('click', () => (card.dataset.type === 'subscription' ? follow(card) : call(card)));
  }
})();
`;
