import MailComposer from 'nodemailer/lib/mail-composer';
import { describe, expect, it } from 'vitest';
import { composeMessage, composePlainMessage, composesAsNodemailer, type MessageFields } from './mime-message';
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

  /** nodemailer's build of the fields and its envelope, to compare with. */
  async function builtByNodemailer(fields: MessageFields) {
    const built = await new MailComposer(fields).compile().build();
    return { raw: built.toString(), envelope: new MailComposer(fields).compile().getEnvelope() };
  }

  it.each([
    ['a bare sender', 'orders@delivery.bench', {}],
    ['a sender with a name', 'Shop <orders@shop.example.com>', {}],
    ['a sender whose name nodemailer encodes', 'Crème Brûlée Café <orders@shop.example.com>', {}],
    ['a sender whose name nodemailer quotes', 'Fish & "Chips", Ltd. <orders@shop.example.com>', {}],
    ['a recipient with dots, plus and hyphens', 'orders@delivery.bench', { to: 'first.last+tag_1@mail-01.example-shop.co.uk' }],
    ['a subject folded at its spaces', 'orders@delivery.bench', { subject: `Order confirmed: ${'word '.repeat(30)}end` }],
    ['a subject with a word longer than a line', 'orders@delivery.bench', { subject: `Order confirmed: ${'x'.repeat(100)} and more` }],
    ['a subject with trailing spaces', 'orders@delivery.bench', { subject: '  Order confirmed:  spaced  ' }],
    ['a subject of symbols', 'orders@delivery.bench', { subject: `Order #12 <a&b> 'c' (d) [e] {f} 100% = $5; x:y, z/w \\ ~ ^ | \` !` }],
    ['a long Message-ID', 'orders@delivery.bench', { messageId: `<order-confirmation.${'a'.repeat(90)}@shop.example.com>` }],
    ['ASCII bodies with long lines', 'orders@delivery.bench', { text: `Total:\n${'x'.repeat(100)}\n`, html: `<p>${'y '.repeat(60)}</p>` }],
  ])('writes plain headers without nodemailer, byte for byte as it builds them (%s)', async (_case, from, overrides) => {
    const fields = { ...(await confirmationFields('Margherita Pizza', from)), ...overrides };
    const composed = composePlainMessage(fields, 'fixed');
    if (!composed) throw new Error('the plain path did not take the email');
    const built = await builtByNodemailer(fields);
    expect(composed.raw.toString()).toBe(built.raw);
    expect(composed.envelope).toEqual(built.envelope);
  });

  it.each([
    ['a non-ASCII subject', { subject: 'Bestellung bestätigt' }],
    ['a quote in the subject', { subject: 'Order "confirmed"' }],
    ['an encoded word in the subject', { subject: 'Order =?UTF-8?Q?confirmed?=' }],
    ['a tab in the subject', { subject: 'Order\tconfirmed' }],
    ['an empty subject', { subject: ' ' }],
    ['an upper-case domain', { to: 'alice@Example.COM' }],
    ['a numeric top-level label', { to: 'alice@example.01' }],
    ['an apostrophe in the recipient', { to: "o'brien@example.com" }],
    ['a recipient with a name', { to: 'Alice <alice@example.com>' }],
    ['a non-ASCII domain', { to: 'alice@bücher.example' }],
    ['a Message-ID with a space', { messageId: '<order confirmation@example.com>' }],
    ['a Message-ID without brackets', { messageId: 'order-confirmation@example.com' }],
  ])('writes other headers from the tree of nodemailer, with the same bytes (%s)', async (_case, overrides) => {
    const fields = { ...(await confirmationFields('Margherita Pizza', 'Shop <orders@shop.example.com>')), ...overrides };
    expect(composePlainMessage(fields, 'fixed')).toBeNull();
    const built = await builtByNodemailer(fields);
    expect(composeMessage(fields)?.raw.toString()).toBe(built.raw);
    expect(composeMessage(fields)?.envelope).toEqual(built.envelope);
  });

  it.each([
    ['a mostly non-Latin text (base64)', { text: '寿司 '.repeat(40) }],
    ['a short ASCII text (7bit)', { text: 'Thank you.\nTotal: 33.75' }],
  ])('leaves a body nodemailer does not encode quoted-printable to nodemailer (%s)', async (_case, overrides) => {
    const fields = { ...(await confirmationFields('Margherita Pizza', 'orders@delivery.bench')), ...overrides };
    expect(composeMessage(fields)).toBeNull();
  });

  it('stamps the time of composing, as nodemailer does', async () => {
    const { date: _fixed, ...fields } = await confirmationFields('Soup', 'orders@delivery.bench');
    const before = Date.now();
    const raw = composePlainMessage(fields, 'fixed')?.raw.toString() ?? '';
    const date = Date.parse(/^Date: (.+)$/m.exec(raw)?.[1] ?? '');
    expect(date).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(date).toBeLessThanOrEqual(Date.now());
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
