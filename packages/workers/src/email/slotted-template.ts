/**
 * A document rendered once with a marker in place of each variable value, then cut at the markers: filling
 * it is string concatenation. The email worker uses it to send what React Email renders without rendering
 * per message (see order-confirmation.compiled.ts).
 */

/** Literal text, or the place of a named value. */
export type TemplatePart = string | { slot: string };

// Private-use code points: no renderer escapes or reformats them, and no real value needs them.
const OPEN = '\uE000';
const CLOSE = '\uE001';
const MARKER = /\uE000([^\uE000\uE001]*)\uE001/g;

/** The marker that stands for `slot` while the template is rendered. */
export function marker(slot: string): string {
  return `${OPEN}${slot}${CLOSE}`;
}

/** Cuts a rendered document at its markers; null when a marker came out mangled (the renderer changed it). */
export function cutAtMarkers(rendered: string): TemplatePart[] | null {
  const parts: TemplatePart[] = [];
  let from = 0;
  for (const found of rendered.matchAll(MARKER)) {
    if (found.index > from) parts.push(rendered.slice(from, found.index));
    parts.push({ slot: found[1] ?? '' });
    from = found.index + found[0].length;
  }
  if (from < rendered.length) parts.push(rendered.slice(from));
  const leftOver = parts.some((part) => typeof part === 'string' && (part.includes(OPEN) || part.includes(CLOSE)));
  return leftOver ? null : parts;
}

/** The parts with each slot replaced by its value (`valueOf` answers every slot the parts name). */
export function fillParts(parts: readonly TemplatePart[], valueOf: (slot: string) => string): string {
  let out = '';
  for (const part of parts) out += typeof part === 'string' ? part : valueOf(part.slot);
  return out;
}

/**
 * Where `longer` is `shorter` with one run of parts inserted: what comes before, the run, and what comes
 * after, or null when `longer` is not that. Compared character by character, a slot counting as one, so the
 * cut never falls inside a slot. Of several equivalent places, the one after the longest common beginning.
 * @example insertionBetween(['ab'], ['a', { slot: 'x' }, 'b']); // { before: ['a'], inserted: [{ slot: 'x' }], after: ['b'] }
 */
export function insertionBetween(
  shorter: readonly TemplatePart[],
  longer: readonly TemplatePart[],
): { before: TemplatePart[]; inserted: TemplatePart[]; after: TemplatePart[] } | null {
  const short = units(shorter);
  const long = units(longer);
  const extra = long.length - short.length;
  if (extra <= 0) return null;
  let at = 0;
  while (at < short.length && sameUnit(short[at], long[at])) at++;
  for (let index = at; index < short.length; index++) if (!sameUnit(short[index], long[index + extra])) return null;
  return { before: joinUnits(short.slice(0, at)), inserted: joinUnits(long.slice(at, at + extra)), after: joinUnits(short.slice(at)) };
}

/** The parts as single characters and slots. */
function units(parts: readonly TemplatePart[]): TemplatePart[] {
  return parts.flatMap((part): TemplatePart[] => (typeof part === 'string' ? part.split('') : [part]));
}

function sameUnit(a: TemplatePart | undefined, b: TemplatePart | undefined): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  return a !== undefined && b !== undefined && a.slot === b.slot;
}

/** Characters run together again into strings. */
function joinUnits(unitList: readonly TemplatePart[]): TemplatePart[] {
  const parts: TemplatePart[] = [];
  for (const unit of unitList) {
    const last = parts.at(-1);
    if (typeof unit === 'string' && typeof last === 'string') parts[parts.length - 1] = last + unit;
    else parts.push(unit);
  }
  return parts;
}

/** Escapes text and attribute values as React's server renderer does (`escapeTextForBrowser`). */
export function escapeHtmlAsReact(value: string): string {
  return value.replace(/["'&<>]/g, (char) => HTML_ESCAPES[char] ?? char);
}

const HTML_ESCAPES: Readonly<Record<string, string>> = { '"': '&quot;', '&': '&amp;', "'": '&#x27;', '<': '&lt;', '>': '&gt;' };
