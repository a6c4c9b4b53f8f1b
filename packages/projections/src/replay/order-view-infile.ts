import type { OrderViewRow } from '../order-view/order-view.table';
import { COLUMNS, mysqlDatetime } from './order-view-upsert.statements';

/*
 * The rebuilt table's rows as a file for MySQL's LOAD DATA LOCAL INFILE, which the server parses far
 * faster than the same rows as INSERT values, and which costs the client a string join instead of
 * escaping each value into a statement. Only the rebuild writes `order_view_next` before the switch,
 * and each row it writes for an order is a fold at least as far along as the row there (see
 * `OrderViewBatch`), so REPLACE gives what "the higher version wins" would.
 */

/** Bytes per chunk of the file: one packet each, far below max_allowed_packet (16 MiB by default). */
const CHUNK_CHARS = 256 * 1024;
const NEEDS_ESCAPE = /[\\\t\n]/;
const ESCAPED = /[\\\t\n]/g;
const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n' };

/** The statement that loads `name` (offered by `withLocalInfile`) into `order_view_next`, in the file's format. */
export const loadOrderViewsStatement = (name: string): string =>
  `load data local infile '${name}' replace into table \`order_view_next\` character set utf8mb4 ` +
  `fields terminated by '\\t' escaped by '\\\\' lines terminated by '\\n' (${COLUMNS.map((column) => `\`${column}\``).join(', ')})`;

/**
 * The file of `rows` (one per order) for `loadOrderViewsStatement`: tab-separated, with backslash, tab
 * and newline escaped, in chunks of whole lines.
 * @example await withLocalInfile(orderViewsFile(rows), (name) => run(loadOrderViewsStatement(name)));
 */
export function orderViewsFile(rows: readonly OrderViewRow[]): Buffer[] {
  const chunks: Buffer[] = [];
  let text = '';
  for (const row of rows) {
    text +=
      `${field(row.orderId)}\t${field(row.customerId)}\t${field(row.email)}\t${field(row.status)}\t${field(JSON.stringify(row.lines))}\t` +
      `${field(row.total)}\t${mysqlDatetime(row.createdAt)}\t${mysqlDatetime(row.updatedAt)}\t${row.version}\n`;
    if (text.length >= CHUNK_CHARS) {
      chunks.push(Buffer.from(text));
      text = '';
    }
  }
  if (text.length > 0) chunks.push(Buffer.from(text));
  return chunks;
}

const field = (value: string): string => (NEEDS_ESCAPE.test(value) ? value.replace(ESCAPED, (character) => ESCAPES[character] ?? character) : value);
