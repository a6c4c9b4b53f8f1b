import { createAmqpBus, silentLogger, type MessageBus } from '@delivery/events';
import { createTestVhost, type TestVhost } from '@delivery/events/testing';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOrderChangeFeed, type OrderChangeFeed } from '../live/order-change-feed';
import { startApiServer, type RunningServer } from '../server';
import { createTestApi, type TestApi } from '../testing';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'];

let vhost: TestVhost;
let bus: MessageBus;
let feed: OrderChangeFeed;
let api: TestApi;
let server: RunningServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: run scripts/ensure-chromium.sh (or set CHROMIUM_PATH)`);
  vhost = await createTestVhost();
  bus = createAmqpBus({ url: vhost.url, logger: silentLogger, name: 'panel-e2e' });
  feed = startOrderChangeFeed({ bus });
  api = await createTestApi({ deps: { orderChangeFeed: feed } });
  server = await startApiServer(api.deps, 0, { hostname: '127.0.0.1' });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  page = await browser.newPage();
});

afterAll(async () => {
  await browser?.close();
  await server?.close({ graceMs: 100 });
  await api?.close();
  await feed?.close();
  await bus?.close();
  await vhost?.drop();
});

/** The procedure names of API.md, the subscription included. */
const PROCEDURES = [
  ...['food', 'bar'].flatMap((kind) => ['list', 'get', 'create', 'update', 'updateAll', 'delete'].map((name) => `menu.${kind}.${name}`)),
  'menu.quote',
  ...['place', 'get', 'list', 'history', 'cancel', 'accept', 'reject', 'markDelivered', 'onStatusChange'].map((name) => `order.${name}`),
];

const card = (path: string) => page.locator(`.procedure[data-path="${path}"]`);

async function callFromPanel(path: string, input: unknown, buttonText = 'Call'): Promise<string> {
  const procedure = card(path);
  await procedure.locator('textarea').fill(JSON.stringify(input));
  await procedure.getByRole('button', { name: buttonText }).click();
  const output = procedure.locator('.output');
  await expect.poll(async () => output.textContent(), { timeout: 10_000 }).not.toMatch(/^(calling|connecting)\.\.\./);
  return (await output.textContent()) ?? '';
}

describe('the panel in a browser', () => {
  it('builds a form from the input schema, shows the output type, a curl line per call and a history, under a CSP', async () => {
    page = await browser.newPage();
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
    });
    const response = await page.goto(`${server.url}/panel`);
    expect(response?.headers()['content-security-policy']).toMatch(/script-src 'self';.*style-src 'self';/);
    const quote = card('menu.quote');
    expect(await quote.locator('.output-type').textContent()).toMatch(/total: string;/);
    // Empty the example, then fill the form: one line, chosen field by field.
    await quote.locator('textarea').fill('');
    await quote.getByRole('button', { name: '+ add items' }).click();
    await quote.getByRole('combobox', { name: 'kind' }).selectOption({ label: 'bar' });
    await quote.getByRole('spinbutton', { name: 'id' }).fill('2');
    await quote.getByRole('spinbutton', { name: 'quantity' }).fill('3');
    expect(JSON.parse(await quote.locator('textarea').inputValue())).toEqual({ items: [{ kind: 'bar', id: 2, quantity: 3 }] });
    const token = await api.tokens.customer('panel-form-user');
    await page.locator('#token').fill(token);
    await quote.getByRole('button', { name: 'Call' }).click();
    await expect.poll(() => quote.locator('.output').textContent()).toMatch(/^200[\s\S]*"total"/);
    const curl = (await quote.locator('.curl').textContent()) ?? '';
    expect(curl).toMatch(/^curl -s '.*\/trpc\/menu\.quote\?input=.*' -H "authorization: Bearer \$TOKEN"$/);
    expect(curl).not.toContain(token);
    const history = page.locator('#history li');
    expect(await history.count()).toBe(1);
    expect(await history.first().textContent()).toMatch(/menu\.quote · 200 OK/);
    expect(await page.evaluate(() => [localStorage.length, sessionStorage.length, document.cookie])).toEqual([0, 0, '']);
    expect(violations).toEqual([]);
  });

  it('lists every procedure with its type and input schema', async () => {
    await page.goto(`${server.url}/panel`);
    const listed = await page.locator('.procedure').evaluateAll((cards) => cards.map((element) => (element as HTMLElement).dataset.path));
    expect(listed.sort()).toEqual([...PROCEDURES].sort());
    await expect.poll(() => card('order.onStatusChange').locator('.badge').textContent()).toBe('subscription');
    const schema = JSON.parse((await card('order.place').locator('.schema').textContent()) ?? '{}') as { required?: string[] };
    expect(schema.required).toEqual(['items']);
  });

  it('calls a query and a mutation with the token typed at the top, and shows the answers', async () => {
    await page.goto(`${server.url}/panel`);
    expect(await callFromPanel('menu.food.get', { id: 1 })).toMatch(/^200[\s\S]*"name": "Bruschetta"/);
    expect(await callFromPanel('order.place', { items: [{ kind: 'food', id: 1, quantity: 1 }] })).toMatch(/^401[\s\S]*UNAUTHORIZED/);
    await page.locator('#token').fill(await api.tokens.customer('panel-user'));
    const placed = await callFromPanel('order.place', { items: [{ kind: 'food', id: 1, quantity: 1 }] });
    expect(placed).toMatch(/^200[\s\S]*"status": "pending"/);
    const orderId = /"orderId": "([0-9a-f-]{36})"/.exec(placed)?.[1];
    expect(orderId).toBeDefined();
    expect(await callFromPanel('order.cancel', { orderId })).toMatch(/^200[\s\S]*"status": "cancelled"/);
    // A cancelled order is final: following it shows its state, then the stream ends.
    const followed = await callFromPanel('order.onStatusChange', { orderId }, 'Follow');
    await expect.poll(() => card('order.onStatusChange').locator('.output').textContent(), { timeout: 10_000 }).toMatch(/stream ended/);
    expect(followed).toMatch(/following \(200\)/);
    expect(await card('order.onStatusChange').locator('.output').textContent()).toMatch(/"status":"cancelled"/);
  });
});

/** Requests to anything but the server, the browser's reports of CSP violations, and the page's errors, from now on. */
function watchPage(): { external: string[]; violations: string[]; errors: string[] } {
  const seen = { external: [] as string[], violations: [] as string[], errors: [] as string[] };
  page.on('request', (request) => {
    if (!request.url().startsWith(server.url)) seen.external.push(request.url());
  });
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) seen.violations.push(message.text());
    else if (message.type() === 'error') seen.errors.push(message.text());
  });
  page.on('pageerror', (error) => seen.errors.push(error.message));
  page.on('requestfailed', (request) => seen.errors.push(`${request.url()}: ${request.failure()?.errorText}`));
  return seen;
}

describe('the REST docs in a browser', () => {
  it('show the API reference (Scalar) with code samples in curl and TypeScript, under a CSP, offline', async () => {
    page = await browser.newPage();
    const seen = watchPage();
    const response = await page.goto(`${server.url}/docs`);
    expect(response?.headers()['content-security-policy']).toMatch(/script-src 'self';/);
    await page.getByText('orders', { exact: true }).first().click();
    await page.getByText('Place an order, priced from the menu').first().click();
    await page.getByText('Shell Curl').last().click();
    // The operation's own samples (x-codeSamples) are offered beside Scalar's generated clients.
    expect(await page.getByRole('option', { name: 'curl', exact: true }).count()).toBe(1);
    await page.getByRole('option', { name: 'TypeScript (@delivery/sdk)' }).click();
    await expect.poll(() => page.locator('body').innerText(), { timeout: 10_000 }).toMatch(/await client\.(menu|order)(\.\w+)+\.(query|mutate)\(/);
    expect(seen.external).toEqual([]);
    expect(seen.violations).toEqual([]);
  });

  it('render every REST route in Swagger UI from /openapi.json without reaching the internet', async () => {
    page = await browser.newPage();
    const seen = watchPage();
    const external = seen.external;
    const specLoaded = page.waitForResponse((answer) => answer.url() === `${server.url}/openapi.json`, { timeout: 60_000 });
    const response = await page.goto(`${server.url}/docs/swagger`);
    expect(response?.headers()['content-security-policy']).toMatch(/script-src 'self';/);
    expect((await specLoaded).status()).toBe(200);
    // Swagger UI parses a 1.4 MB bundle before it fetches the document, and renders after: on two cores shared
    // with three other test files that took over 20 s once. The page's own errors say what went wrong if it never renders.
    await page
      .locator('.opblock')
      .first()
      .waitFor({ timeout: 60_000 })
      .catch((error: Error) => {
        throw new Error(`${error.message}\npage errors: ${JSON.stringify(seen.errors)}`);
      });
    const paths = await page.locator('.opblock-summary-path').evaluateAll((elements) => elements.map((element) => element.getAttribute('data-path')));
    expect(new Set(paths)).toEqual(
      new Set([
        '/api/v1/menu/food',
        '/api/v1/menu/food/{id}',
        '/api/v1/menu/food/all',
        '/api/v1/menu/bar',
        '/api/v1/menu/bar/{id}',
        '/api/v1/menu/bar/all',
        '/api/v1/menu/quote',
        '/api/v1/orders',
        '/api/v1/orders/{orderId}',
        '/api/v1/orders/{orderId}/history',
        '/api/v1/orders/{orderId}/cancel',
        '/api/v1/orders/{orderId}/accept',
        '/api/v1/orders/{orderId}/reject',
        '/api/v1/orders/{orderId}/deliver',
      ]),
    );
    expect(paths).toHaveLength(PROCEDURES.length - 1);
    expect(external).toEqual([]);
    expect(seen.violations).toEqual([]);
    expect(seen.errors).toEqual([]);
  });
});
