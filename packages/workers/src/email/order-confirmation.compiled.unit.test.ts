import type { OrderLine } from '@delivery/events';
import { multiplyMoney, sumMoney } from '@delivery/events';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CompiledOrderConfirmation, compileOrderConfirmationEmail, createOrderConfirmationRenderer } from './order-confirmation.compiled';
import { type OrderConfirmationEmailProps, orderUrlFor, renderOrderConfirmationEmail } from './order-confirmation.email';

/** A small seeded generator, so a failing order can be reproduced. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = [
  'Fish',
  '&',
  '<Chips>',
  '"Special"',
  "chef's",
  'a>b',
  '&amp;',
  'Crème',
  'brûlée',
  '🍕',
  '寿司',
  'שקשוקה',
  'e\u0301',
  '<!-- -->',
  '<!DOCTYPE x>',
  '\u00a0nbsp',
  'ideographic\u3000space',
  'line\u2028separator',
  '\ufeffbom',
  'x'.repeat(120),
];

function order(options: { names: string[]; publicUrl?: string; seed?: number }): OrderConfirmationEmailProps {
  const pick = random(options.seed ?? 1);
  const lines: OrderLine[] = options.names.map((name, index) => {
    const unitPrice = `${Math.floor(pick() * 2000)}.${String(Math.floor(pick() * 100)).padStart(2, '0')}`;
    const quantity = 1 + Math.floor(pick() * 49);
    return { kind: index % 2 === 0 ? 'food' : 'bar', itemId: index + 1, name, unitPrice, quantity, lineTotal: multiplyMoney(unitPrice, quantity) };
  });
  const orderId = crypto.randomUUID();
  return {
    orderId,
    lines,
    total: sumMoney(lines.map((line) => line.lineTotal)),
    status: 'pending',
    orderUrl: orderUrlFor(options.publicUrl ?? 'https://shop.example.com', orderId),
  };
}

function randomName(pick: () => number): string {
  const count = 1 + Math.floor(pick() * 4);
  return Array.from({ length: count }, () => WORDS[Math.floor(pick() * WORDS.length)]).join(' ');
}

describe('compiled order confirmation email', () => {
  let compiled: CompiledOrderConfirmation;
  beforeAll(async () => {
    const result = await compileOrderConfirmationEmail();
    if (!result) throw new Error('the confirmation template did not compile against this React Email');
    compiled = result;
  });

  const expectSameAsReact = async (props: OrderConfirmationEmailProps) => {
    const fast = compiled.render(props);
    expect(fast, 'the compiled template placed every value').not.toBeNull();
    const reference = await renderOrderConfirmationEmail(props);
    expect(fast?.html).toBe(reference.html);
    expect(fast?.text).toBe(reference.text);
    expect(fast?.subject).toBe(reference.subject);
  };

  it('renders one line byte for byte as React Email does', async () => {
    await expectSameAsReact(order({ names: ['Margherita Pizza'] }));
  });

  it('escapes HTML special characters in names and links as React does', async () => {
    await expectSameAsReact(
      order({ names: [`Fish & "Chips" <large> it's`, '&lt;already escaped&gt;', '</td></tr>'], publicUrl: "https://shop.example.com/a&b/'q'" }),
    );
  });

  it('renders many lines and unicode names byte for byte', async () => {
    await expectSameAsReact(order({ names: Array.from({ length: 60 }, (_, index) => `${WORDS[index % WORDS.length]} ${index}`) }));
    await expectSameAsReact(order({ names: ['寿司 🍣', 'Crème brûlée', 'שקשוקה', 'e\u0301 combining', '𝔘𝔫𝔦𝔠𝔬𝔡𝔢'] }));
  });

  it('renders 150 random orders byte for byte', { timeout: 60_000 }, async () => {
    const pick = random(42);
    for (let index = 0; index < 150; index++) {
      const names = Array.from({ length: 1 + Math.floor(pick() * 12) }, () => randomName(pick));
      await expectSameAsReact(order({ names, seed: index }));
    }
  });

  it.each([
    ['a double space', 'Fish  Chips'],
    ['a leading space', ' Fish'],
    ['a trailing space', 'Fish '],
    ['a tab', 'Fish\tChips'],
    ['a line break', 'Fish\nChips'],
    ['a zero-width space', 'Fish\u200bChips'],
    ['a lone surrogate', 'Fish \ud800'],
    ['a control character', 'Fish\u0000'],
  ])('leaves a name with %s to React Email, and the renderer still sends what React renders', async (_what, name) => {
    const props = order({ names: ['Soup', name] });
    expect(compiled.render(props)).toBeNull();
    const render = createOrderConfirmationRenderer();
    expect(await render(props)).toEqual(await renderOrderConfirmationEmail(props));
  });

  it('leaves a link that is not a web address to React Email (which blocks javascript: links)', async () => {
    const props = { ...order({ names: ['Soup'] }), orderUrl: 'javascript:alert(1)' };
    expect(compiled.render(props)).toBeNull();
    expect(await createOrderConfirmationRenderer()(props)).toEqual(await renderOrderConfirmationEmail(props));
  });
});
