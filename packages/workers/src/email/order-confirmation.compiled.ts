import type { Money, OrderLine, OrderStatus } from '@delivery/events';
import {
  confirmationPreviewText,
  confirmationSubject,
  type OrderConfirmationEmailProps,
  type RenderedEmail,
  renderOrderConfirmationEmail,
} from './order-confirmation.email';
import { cutAtMarkers, escapeHtmlAsReact, fillParts, insertionBetween, marker, type TemplatePart } from './slotted-template';

/*
 * React Email renders the confirmation in about 2 ms of CPU (React's server renderer, then html-to-text for
 * the text version): the email worker's largest cost. The document differs between orders only in its values
 * and in how many lines it repeats, so it is rendered once with markers in their place and cut there; each
 * email is then the pieces filled with the values, escaped as React escapes them. A value whose rendering
 * could depend on more than escaping (white space that html-to-text collapses, characters React or the
 * stream decoder would change, a preview too long to be padded) takes React's render, as does everything
 * when the compiled template does not reproduce React's output for a probe order at start-up.
 */

/** React Email's Preview pads its text with invisible characters up to this length (and cuts a longer one). */
const PREVIEW_MAX_LENGTH = 150;
const LINE_FIELDS = ['quantity', 'name', 'unitPrice', 'lineTotal'] as const;
type LineField = (typeof LINE_FIELDS)[number];

/** One document (the HTML or the text): before and after the repeated lines (line 0 in them), and one line. */
interface DocumentTemplate {
  head: TemplatePart[];
  line: TemplatePart[];
  tail: TemplatePart[];
}

export interface CompiledOrderConfirmation {
  /** The email React Email would render, or null when a value must go through React Email itself. */
  render(props: OrderConfirmationEmailProps): RenderedEmail | null;
}

/**
 * What the email worker renders with: the compiled template when it can place every value exactly, React
 * Email otherwise. The same bytes either way; compiled on first use.
 * @example const render = createOrderConfirmationRenderer(); const { subject, html, text } = await render(props);
 */
export function createOrderConfirmationRenderer(): (props: OrderConfirmationEmailProps) => Promise<RenderedEmail> {
  let compiled: Promise<CompiledOrderConfirmation | null> | undefined;
  return async (props) => {
    compiled ??= compileOrderConfirmationEmail();
    return (await compiled)?.render(props) ?? renderOrderConfirmationEmail(props);
  };
}

/**
 * Renders the email with markers for one, two and three lines, derives the template, and checks it against
 * React Email's render of a probe order. Null when the template cannot be derived or differs.
 */
export async function compileOrderConfirmationEmail(): Promise<CompiledOrderConfirmation | null> {
  const [one, two] = await Promise.all([renderWithMarkers(1), renderWithMarkers(2)]);
  if (!one || !two) return null;
  const html = documentTemplate(one.html, two.html);
  const text = documentTemplate(one.text, two.text);
  if (!html || !text || !one.paddingUnit) return null;
  const paddingUnit = one.paddingUnit;
  const compiled: CompiledOrderConfirmation = {
    render(props) {
      if (!canPlaceExactly(props)) return null;
      const padding = paddingUnit.repeat(PREVIEW_MAX_LENGTH - confirmationPreviewText(props.orderId, props.total).length);
      return {
        subject: confirmationSubject(props.orderId),
        html: fill(html, props, (value) => escapeHtmlAsReact(value), padding),
        text: fill(text, props, (value) => value, padding),
      };
    },
  };
  const probe = probeOrder();
  const expected = await renderOrderConfirmationEmail(probe);
  const actual = compiled.render(probe);
  if (!actual || actual.html !== expected.html || actual.text !== expected.text) return null;
  return compiled;
}

function fill(template: DocumentTemplate, props: OrderConfirmationEmailProps, encode: (value: string) => string, padding: string): string {
  const [first, ...rest] = props.lines;
  if (!first) throw new Error('an order confirmation needs at least one line');
  const valueOf = (slot: string): string => {
    if (slot === 'previewPadding') return padding;
    const field = lineFieldOf(slot, 0);
    if (field) return encode(String(first[field]));
    return encode(orderValue(props, slot));
  };
  let out = fillParts(template.head, valueOf);
  for (const line of rest) {
    out += fillParts(template.line, (slot) => {
      const field = lineFieldOf(slot, 1);
      return field ? encode(String(line[field])) : valueOf(slot);
    });
  }
  return out + fillParts(template.tail, valueOf);
}

function orderValue(props: OrderConfirmationEmailProps, slot: string): string {
  switch (slot) {
    case 'orderId':
      return props.orderId;
    case 'total':
      return props.total;
    case 'status':
      return props.status;
    case 'orderUrl':
      return props.orderUrl;
    default:
      throw new Error(`the confirmation template has an unknown slot ${slot}`);
  }
}

/** The field a slot names on the line of `index` (`line0.name`), or null. */
function lineFieldOf(slot: string, index: number): LineField | null {
  const prefix = `line${index}.`;
  if (!slot.startsWith(prefix)) return null;
  const field = slot.slice(prefix.length);
  return LINE_FIELDS.find((known) => known === field) ?? null;
}

/**
 * Text React and html-to-text both pass through untouched (but for escaping): words separated by single
 * spaces, without html-to-text's other white space (tab, line breaks, form feed, zero-width space), control
 * characters, or lone surrogates (the stream decoder replaces them). Other Unicode spaces are ordinary text to both.
 */
const PLAIN = /^[^ \t\n\r\f\u200b\p{Cc}\uE000\uE001\uD800-\uDFFF]+(?: [^ \t\n\r\f\u200b\p{Cc}\uE000\uE001\uD800-\uDFFF]+)*$/u;

function canPlaceExactly(props: OrderConfirmationEmailProps): boolean {
  if (props.lines.length === 0) return false;
  if (confirmationPreviewText(props.orderId, props.total).length >= PREVIEW_MAX_LENGTH) return false;
  // React replaces a javascript: link with an error; only web links are placed as they are.
  if (!/^https?:\/\//i.test(props.orderUrl)) return false;
  const values = [props.orderId, props.total, props.status, props.orderUrl];
  for (const line of props.lines) {
    if (!Number.isSafeInteger(line.quantity)) return false;
    values.push(line.name, line.unitPrice, line.lineTotal);
  }
  return values.every((value) => PLAIN.test(value));
}

/** The email with a marker for every value, its preview's padding a marker too (with the padding's unit). */
async function renderWithMarkers(lineCount: number): Promise<{ html: string; text: string; paddingUnit: string | null } | null> {
  const lines = Array.from({ length: lineCount }, (_, index) => markedLine(index));
  const props: OrderConfirmationEmailProps = {
    orderId: marker('orderId'),
    total: marker('total') as Money,
    status: marker('status') as OrderStatus,
    orderUrl: marker('orderUrl'),
    lines,
  };
  const rendered = await renderOrderConfirmationEmail(props);
  const padding = previewPadding(rendered.html, confirmationPreviewText(props.orderId, props.total));
  if (!padding) return null;
  return { html: rendered.html.replace(padding.text, marker('previewPadding')), text: rendered.text, paddingUnit: padding.unit };
}

function markedLine(index: number): OrderLine {
  return {
    kind: 'food',
    itemId: index + 1,
    name: marker(`line${index}.name`),
    unitPrice: marker(`line${index}.unitPrice`) as Money,
    // React renders a number as its text: a marker in its place renders where the number would.
    quantity: marker(`line${index}.quantity`) as unknown as number,
    lineTotal: marker(`line${index}.lineTotal`) as Money,
  };
}

/** The invisible padding React Email's Preview puts right after its text: `<div>` + unit × (150 - length) + `</div>`. */
function previewPadding(html: string, preview: string): { text: string; unit: string } | null {
  const escapedPreview = escapeHtmlAsReact(preview);
  const start = html.indexOf(`${escapedPreview}<div>`);
  if (start === -1 || html.indexOf(escapedPreview, start + 1) !== -1) return null;
  const from = start + escapedPreview.length + '<div>'.length;
  const to = html.indexOf('</div>', from);
  const count = PREVIEW_MAX_LENGTH - preview.length;
  const text = html.slice(from, to);
  if (to === -1 || count <= 0 || text.length % count !== 0) return null;
  const unit = text.slice(0, text.length / count);
  if (unit.length === 0 || unit.repeat(count) !== text || html.indexOf(text) !== from) return null;
  return { text, unit };
}

/** The HTML or text template from the renders with one line and with two. */
function documentTemplate(oneLine: string, twoLines: string): DocumentTemplate | null {
  const one = cutAtMarkers(oneLine);
  const two = cutAtMarkers(twoLines);
  if (!one || !two) return null;
  const split = insertionBetween(one, two);
  if (!split) return null;
  // What the second render added must be exactly one line: line 1's values and nothing of the order's.
  const slots = split.inserted.filter((part) => typeof part !== 'string').map((part) => part.slot);
  if (slots.length === 0 || slots.some((slot) => !lineFieldOf(slot, 1))) return null;
  return { head: split.before, line: split.inserted, tail: split.after };
}

/** An order whose values exercise escaping, several lines and lengths unlike the markers'. */
function probeOrder(): OrderConfirmationEmailProps {
  const lines: OrderLine[] = [
    { kind: 'food', itemId: 1, name: `Fish & "Chips" <large> it's`, unitPrice: '9.50', quantity: 3, lineTotal: '28.50' },
    { kind: 'bar', itemId: 2, name: 'Crème brûlée 🍮', unitPrice: '4.00', quantity: 12, lineTotal: '48.00' },
    { kind: 'food', itemId: 3, name: 'Soup', unitPrice: '1000.00', quantity: 1, lineTotal: '1000.00' },
  ];
  const orderId = '0b8e6c1e-3f0a-4d2b-9c77-5f1f2a3b4c5d';
  return { orderId, lines, total: '1076.50', status: 'pending', orderUrl: `https://shop.example.com/a&b/orders/${orderId}` };
}
