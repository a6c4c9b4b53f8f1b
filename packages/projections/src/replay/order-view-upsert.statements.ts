import { UTC_MILLIS, type OrderViewRow, type OrderViewTableName } from '../order-view/order-view.table';

/*
 * The multi-row upserts a replay sends ("the higher version wins", as `upsertOrderViewsIfNewer`), their
 * text built here rather than through the query builder: a replay writes millions of rows, and compiling
 * them through the builder cost more than the database's work. Values go as parameters (`?` formatted
 * into the text by the MySQL driver, `$n` sent apart by PostgreSQL's): writing MySQL literals here was
 * measured slower, since the driver still scans the whole text for placeholders.
 */

export interface UpsertStatement {
  sql: string;
  parameters: unknown[];
}

/** The columns of an order view row, in the order the replay's statements list them. */
export const COLUMNS = ['order_id', 'customer_id', 'email', 'status', 'lines', 'total', 'created_at', 'updated_at', 'version'] as const;
/**
 * Bounds of one statement. Characters of values: far below max_allowed_packet (16 MiB by default) even
 * as 3-byte UTF-8, escaped. On PostgreSQL, 500 rows are 4,500 bind parameters, far below its limit of 65,535.
 */
const MAX_STATEMENT_CHARS = 2_000_000;
const MAX_STATEMENT_ROWS = 500;

/**
 * The statements that write `rows` (one per order, in primary-key order) to `table`.
 * @example for (const { sql, parameters } of upsertStatements('mysql', 'order_view_next', rows)) await run(sql, parameters);
 */
export function* upsertStatements(family: 'mysql' | 'postgres', table: OrderViewTableName, rows: readonly OrderViewRow[]): Generator<UpsertStatement> {
  for (let start = 0; start < rows.length; ) {
    const parameters: unknown[] = [];
    let chars = 0;
    let end = start;
    while (end < rows.length && end - start < MAX_STATEMENT_ROWS && chars < MAX_STATEMENT_CHARS) {
      const row = rows[end++] as OrderViewRow;
      const lines = JSON.stringify(row.lines);
      chars += lines.length + row.customerId.length + row.email.length + 120;
      const createdAt = family === 'mysql' ? mysqlDatetime(row.createdAt) : row.createdAt;
      const updatedAt = family === 'mysql' ? mysqlDatetime(row.updatedAt) : row.updatedAt;
      parameters.push(row.orderId, row.customerId, row.email, row.status, lines, row.total, createdAt, updatedAt, row.version);
    }
    const count = end - start;
    const values = family === 'mysql' ? Array.from({ length: count }, () => MYSQL_ROW).join(', ') : postgresRows(count);
    yield { sql: (family === 'mysql' ? mysqlUpsert : postgresUpsert)(table, values), parameters };
    start = end;
  }
}

function mysqlUpsert(table: OrderViewTableName, values: string): string {
  const columns = COLUMNS.map((column) => `\`${column}\``).join(', ');
  // `version` last: MySQL evaluates the assignments left to right, and each must compare with the old version.
  const update = COLUMNS.slice(1)
    .map((column) => `\`${column}\` = if(values(\`version\`) > \`version\`, values(\`${column}\`), \`${column}\`)`)
    .join(', ');
  return `insert into \`${table}\` (${columns}) values ${values} on duplicate key update ${update}`;
}

function postgresUpsert(table: OrderViewTableName, values: string): string {
  const columns = COLUMNS.map((column) => `"${column}"`).join(', ');
  const update = COLUMNS.slice(1)
    .map((column) => `"${column}" = excluded."${column}"`)
    .join(', ');
  return `insert into "${table}" (${columns}) values ${values} on conflict ("order_id") do update set ${update} where excluded."version" > "${table}"."version"`;
}

const MYSQL_ROW = `(${COLUMNS.map(() => '?').join(', ')})`;
const postgresRows = (count: number): string =>
  Array.from({ length: count }, (_, n) => `(${COLUMNS.map((_, c) => `$${n * COLUMNS.length + c + 1}`).join(', ')})`).join(', ');

/** The DATETIME(3) text of an instant in UTC, a slice of the ISO text when it has the projection's shape (TIMESTAMPTZ takes that as is). */
export function mysqlDatetime(iso: string): string {
  const utc = UTC_MILLIS.test(iso) ? iso : new Date(iso).toISOString();
  return `${utc.slice(0, 10)} ${utc.slice(11, 23)}`;
}
