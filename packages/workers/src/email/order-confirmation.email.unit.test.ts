import { sampleOrderPlaced } from '@delivery/events/testing';
import { describe, expect, it } from 'vitest';
import { orderUrlFor, renderOrderConfirmationEmail } from './order-confirmation.email';

describe('order confirmation email', () => {
  const placed = sampleOrderPlaced({
    lines: [
      { kind: 'food', itemId: 1, name: 'Fish & <Chips>', unitPrice: '9.50', quantity: 3, lineTotal: '28.50' },
      { kind: 'bar', itemId: 2, name: 'Lager', unitPrice: '4.00', quantity: 1, lineTotal: '4.00' },
    ],
  });
  const render = () =>
    renderOrderConfirmationEmail({
      orderId: placed.data.orderId,
      lines: placed.data.lines,
      total: placed.data.total,
      status: 'pending',
      orderUrl: orderUrlFor('https://shop.example.com', placed.data.orderId),
    });

  it('lists every line with its quantity and line total, and the order total, in the text version', async () => {
    const { text, subject } = await render();
    expect(subject).toContain(placed.data.orderId);
    expect(text).toContain('3 × Fish & <Chips>');
    expect(text).toContain('$28.50');
    expect(text).toContain('1 × Lager');
    expect(text).toContain('$32.50');
    expect(text).toContain('pending');
  });

  it('escapes item names and links the order page in the HTML version', async () => {
    const { html } = await render();
    expect(html).toContain('Fish &amp; &lt;Chips&gt;');
    expect(html).not.toContain('<Chips>');
    expect(html).toContain(`href="https://shop.example.com/orders/${placed.data.orderId}"`);
  });

  it("builds the order URL whatever the public URL's trailing slash", () => {
    expect(orderUrlFor('http://localhost:3000/', 'abc')).toBe('http://localhost:3000/orders/abc');
    expect(orderUrlFor('http://localhost:3000/shop', 'abc')).toBe('http://localhost:3000/shop/orders/abc');
  });
});
