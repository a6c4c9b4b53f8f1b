import { describe, expect, it } from 'vitest';
import type { OrderViewRow } from '../order-view/order-view.table';
import { orderViewsFile } from './order-view-infile';

/** A row whose text takes 1 to 4 UTF-8 bytes per character, and `size` characters of it. */
const row = (n: number, size: number): OrderViewRow => ({
  orderId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  customerId: ['a', 'é', 'ラ', '🍕'][n % 4]!.repeat(size),
  email: 'someone@example.com',
  status: 'pending',
  lines: [{ kind: 'food', itemId: 1, name: `ラーメン\t${n}\\`, unitPrice: '8.50', quantity: 1, lineTotal: '8.50' }],
  total: '8.50',
  createdAt: '2026-03-01T12:00:00.000Z',
  updatedAt: '2026-03-01T12:00:01.000Z',
  version: 1,
});

/** The file's lines written the plain way, as the format defines them. */
const escape = (value: string) => value.replace(/[\\\t\n]/g, (character) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n' })[character] ?? character);
const expectedLine = (r: OrderViewRow) =>
  `${[r.orderId, r.customerId, r.email, r.status, JSON.stringify(r.lines), r.total].map(escape).join('\t')}\t2026-03-01 12:00:00.000\t2026-03-01 12:00:01.000\t${r.version}\n`;

describe('the order views file for LOAD DATA', () => {
  it('holds every row whole, in order, however many bytes its characters take, across chunk ends', () => {
    // Sizes that put rows of every width across the 256 KiB chunk ends, and one row larger than a chunk.
    const rows = Array.from({ length: 6000 }, (_, n) => row(n, n === 4321 ? 100_000 : (n * 37) % 300));

    const chunks = orderViewsFile(rows);

    expect(chunks.length).toBeGreaterThan(4);
    expect(Buffer.concat(chunks).toString('utf8')).toBe(rows.map(expectedLine).join(''));
    // Each chunk ends a line, so the server never sees half a row in one packet.
    for (const chunk of chunks) expect(chunk.at(-1)).toBe(0x0a);
  });
});
