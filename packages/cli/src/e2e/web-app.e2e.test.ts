import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../testing/chromium';
import { runCommand } from '../testing/run-command';
import { startSystem, type RunningSystem } from '../testing/system-harness';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** Everything the page asked the server for, to check where the token went. */
function recordRequests(page: Page): { url: string; authorization: string | undefined }[] {
  const requests: { url: string; authorization: string | undefined }[] = [];
  page.on('request', (request) => requests.push({ url: request.url(), authorization: request.headers().authorization }));
  return requests;
}

const statusesShown = (page: Page) => page.locator('#tracking-log li').evaluateAll((items) => items.map((item) => (item as HTMLElement).dataset.status));

describe('the customer web page in Chromium', () => {
  let system: RunningSystem;
  let browser: Browser;
  let token: string;

  beforeAll(async () => {
    // The page as `pnpm start` serves it: built by Vite into packages/web/dist, served by the API process.
    const [started, launched] = await Promise.all([
      runCommand('pnpm', ['--silent', '--filter', '@delivery/web', 'build'], { cwd: ROOT, timeoutMs: 60_000 }).then(() =>
        startSystem({ deliveryDelayMs: 1_000, processes: ['api', 'relay', 'projection', 'vendor', 'email'] }),
      ),
      launchChromium(),
    ]);
    [system, browser] = [started, launched];
    token = await system.customerToken('web-user', 'web-user@example.com');
  });
  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  it('shows the menu, fills a basket, places the order and follows it live from pending to delivered', async () => {
    const page = await browser.newPage();
    const requests = recordRequests(page);
    const response = await page.goto(`${system.apiUrl}/app/`);
    expect(response?.headers()['content-security-policy']).toMatch(/script-src 'self'(;|$)/);
    await page.locator('#menu .item').first().waitFor();
    await page.locator('#menu .item[data-kind="food"] button').first().click();
    await page.locator('#menu .item[data-kind="food"] button').first().click();
    await page.locator('#menu .item[data-kind="bar"] button').first().click();
    await expect.poll(() => page.locator('#basket-total').textContent()).toMatch(/^Total \d+\.\d{2}$/);
    expect(await page.locator('#basket-lines li').count()).toBe(2);

    await page.locator('#token').fill(token);
    await page.locator('#place').click();
    await page.waitForURL(/\/orders\/[0-9a-f-]{36}$/);
    expect(await page.locator('#shop').isHidden()).toBe(true);
    await expect.poll(() => statusesShown(page), { timeout: 20_000 }).toEqual(['pending', 'accepted', 'delivered']);
    expect(await page.locator('#tracking-steps li.done').count()).toBe(3);

    // The token travelled as a header, never in a URL a proxy or server log would keep, and nothing was stored.
    expect(requests.filter((request) => request.url.includes(token))).toEqual([]);
    const live = requests.filter((request) => request.url.includes('order.onStatusChange'));
    expect(live.length).toBeGreaterThan(0);
    expect(live.every((request) => request.authorization === `Bearer ${token}`)).toBe(true);
    expect(await page.evaluate(() => [localStorage.length, sessionStorage.length, document.cookie])).toEqual([0, 0, '']);
    await page.close();
  });

  it("opens the confirmation email's link on the order's tracking view", async () => {
    const before = system.smtp.messages.length;
    const placed = await fetch(`${system.apiUrl}/api/v1/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ items: [{ kind: 'food', id: 1, quantity: 1 }] }),
    });
    const { orderId } = (await placed.json()) as { orderId: string };
    const emails = await system.smtp.waitForMessages(before + 1);
    const email = emails.slice(before).find((message) => message.decoded.includes(orderId));
    const link = new RegExp(`https?://[^\\s"<>]+/orders/${orderId}`).exec(email?.decoded ?? '')?.[0];
    expect(link).toBe(`${system.apiUrl}/orders/${orderId}`);

    const page = await browser.newPage();
    await page.goto(link!);
    expect(await page.locator('#shop').isHidden()).toBe(true);
    expect(await page.locator('#tracking-order').textContent()).toBe(orderId);
    await expect.poll(() => page.locator('#tracking-status').textContent()).toMatch(/paste your token/i);
    await page.locator('#token').fill(token);
    await expect.poll(() => statusesShown(page), { timeout: 20_000 }).toContain('delivered');
    await page.close();
  });
});
