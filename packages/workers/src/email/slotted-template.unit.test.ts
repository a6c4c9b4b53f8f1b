import { describe, expect, it } from 'vitest';
import { cutAtMarkers, escapeHtmlAsReact, fillParts, insertionBetween, marker, type TemplatePart } from './slotted-template';

describe('slotted template', () => {
  it('cuts a rendered document at its markers and fills the slots back in', () => {
    const parts = cutAtMarkers(`<p>${marker('name')} × ${marker('count')}</p>`);
    expect(parts).toEqual(['<p>', { slot: 'name' }, ' × ', { slot: 'count' }, '</p>']);
    expect(fillParts(parts ?? [], (slot) => (slot === 'name' ? 'Soup' : '2'))).toBe('<p>Soup × 2</p>');
  });

  it('refuses a document whose markers came out mangled', () => {
    expect(cutAtMarkers(`<p>${marker('name').slice(0, -1)}</p>`)).toBeNull();
  });

  it('finds the run of parts inserted into a document, never cutting a slot', () => {
    const one: TemplatePart[] = ['<tr>', { slot: 'line0' }, '</tr><hr>'];
    const two: TemplatePart[] = ['<tr>', { slot: 'line0' }, '</tr><tr>', { slot: 'line1' }, '</tr><hr>'];
    const split = insertionBetween(one, two);
    // The cut may fall anywhere the two agree (here after the '<' both continue with): each way rebuilds both.
    expect(split?.inserted).toContainEqual({ slot: 'line1' });
    const text = (parts: readonly TemplatePart[]) => fillParts(parts, (slot) => `[${slot}]`);
    expect(text([...(split?.before ?? []), ...(split?.after ?? [])])).toBe(text(one));
    expect(text([...(split?.before ?? []), ...(split?.inserted ?? []), ...(split?.after ?? [])])).toBe(text(two));
  });

  it('says when the longer document is not the shorter with one insertion', () => {
    expect(insertionBetween(['abc'], ['aXbYc'])).toBeNull();
    expect(insertionBetween(['abc'], ['abc'])).toBeNull();
  });

  it('escapes the five characters React escapes, and nothing else', () => {
    expect(escapeHtmlAsReact(`<a href="x">Tom & Jerry's</a> é 🍕`)).toBe('&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#x27;s&lt;/a&gt; é 🍕');
  });
});
