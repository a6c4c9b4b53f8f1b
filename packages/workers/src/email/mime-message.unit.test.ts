import MailComposer from 'nodemailer/lib/mail-composer';
import { describe, expect, it } from 'vitest';
import { composeMessage, composesAsNodemailer, type MessageFields } from './mime-message';
import { createOrderConfirmationRenderer } from './order-confirmation.compiled';

const render = createOrderConfirmationRenderer();

async function confirmationFields(name: string, from: string): Promise<MessageFields> {
  const orderId = '6f1c1f5e-8a4b-4d0e-9f55-1d2c3b4a5e6f';
  const email = await render({
    orderId,
    lines: [
      { kind: 'food', itemId: 1, name, unitPrice: '12.50', quantity: 2, lineTotal: '25.00' },
      { kind: 'bar', itemId: 2, name: 'Mojito', unitPrice: '8.75', quantity: 1, lineTotal: '8.75' },
    ],
    total: '33.75',
    status: 'pending',
    orderUrl: `https://shop.example.com/orders/${orderId}`,
  });
  return {
    from,
    to: 'alice@example.com',
    messageId: `<order-confirmation.${orderId}@shop.example.com>`,
    date: new Date('2026-03-01T12:00:00.000Z'),
    baseBoundary: 'fixed',
    ...email,
  };
}

describe('mime message', () => {
  it('matches nodemailer for its start-up probe', async () => {
    await expect(composesAsNodemailer('Shop <orders@shop.example.com>')).resolves.toBe(true);
    await expect(composesAsNodemailer('Crème Brûlée Café <orders@shop.example.com>')).resolves.toBe(true);
  });

  it.each([
    ['a plain name', 'Margherita Pizza', 'orders@delivery.bench'],
    ['escapes and emoji', `Fish & "Chips" <large> it's 🍮`, 'Shop <orders@shop.example.com>'],
    ['a long word and non-Latin script', `${'x'.repeat(120)} 寿司 שקשוקה`, 'Shop <orders@shop.example.com>'],
  ])('writes the confirmation byte for byte as nodemailer builds it (%s)', async (_case, name, from) => {
    const fields = await confirmationFields(name, from);
    const composed = composeMessage(fields);
    if (!composed) throw new Error('the confirmation was not composed');
    const built = await new MailComposer(fields).compile().build();
    expect(composed.raw.toString()).toBe(built.toString());
    expect(composed.envelope).toEqual({ from: from.replace(/^.*</, '').replace(/>$/, ''), to: ['alice@example.com'] });
  });

  it('leaves an email of another shape to nodemailer', () => {
    expect(composeMessage({ from: 'a@example.com', to: 'b@example.com', subject: 's', html: '', text: 'only text', messageId: '<m@example.com>' })).toBeNull();
  });

  it('gives each message a boundary of its own', async () => {
    const { baseBoundary: _fixed, ...fields } = await confirmationFields('Soup', 'orders@delivery.bench');
    const boundaryOf = (raw: Buffer | undefined) => /boundary="([^"]+)"/.exec(raw?.toString() ?? '')?.[1];
    const first = boundaryOf(composeMessage(fields)?.raw);
    expect(first).toMatch(/^--_NmP-/);
    expect(boundaryOf(composeMessage(fields)?.raw)).not.toBe(first);
  });
});
