import { sqlFamilyOf } from '@delivery/events';
import { sql, type Kysely } from 'kysely';

/*
 * The rebuilt table is filled without its secondary (non-unique) indexes, which are built once, sorted,
 * before the switch: maintaining three indexes row by row cost the database more than the rows did.
 * Nothing but the replay reads `order_view_next` before the switch, and only by primary key. What the
 * table lacks is always computed against the live table, so a rebuild that crashed anywhere (with none,
 * some or all of them built) ends with exactly the live table's indexes.
 */

interface IndexColumn {
  name: string;
  column: string;
  /** MySQL's prefix length, null for the whole column. */
  prefix: number | null;
  descending: boolean;
}

/** Drops the non-unique secondary indexes of `order_view_next` (unique ones stay: they are constraints). */
export async function dropNextTableSecondaryIndexes<DB>(db: Kysely<DB>): Promise<void> {
  if (sqlFamilyOf(db) === 'mysql') {
    const names = [...new Set((await mysqlSecondaryIndexes(db, 'order_view_next')).map((index) => index.name))];
    if (names.length === 0) return;
    await sql.raw(`alter table order_view_next ${names.map((name) => `drop index \`${name}\``).join(', ')}`).execute(db);
    return;
  }
  for (const { name } of await postgresSecondaryIndexes(db, 'order_view_next')) await sql`drop index ${sql.ref(name)}`.execute(db);
}

/** Builds on `order_view_next` each non-unique secondary index of `order_view` it lacks, in one statement on MySQL. */
export async function addLiveIndexesToNextTable<DB>(db: Kysely<DB>): Promise<void> {
  if (sqlFamilyOf(db) === 'mysql') {
    const present = new Set((await mysqlSecondaryIndexes(db, 'order_view_next')).map((index) => index.name));
    const missing = new Map<string, string[]>();
    for (const { name, column, prefix, descending } of await mysqlSecondaryIndexes(db, 'order_view')) {
      if (present.has(name)) continue;
      const columns = missing.get(name) ?? [];
      columns.push(`\`${column}\`${prefix === null ? '' : `(${prefix})`}${descending ? ' desc' : ''}`);
      missing.set(name, columns);
    }
    if (missing.size === 0) return;
    const additions = [...missing].map(([name, columns]) => `add index \`${name}\` (${columns.join(', ')})`);
    await sql.raw(`alter table order_view_next ${additions.join(', ')}`).execute(db);
    return;
  }
  const present = new Set((await postgresSecondaryIndexes(db, 'order_view_next')).map((index) => index.shape));
  const live = await postgresSecondaryIndexes(db, 'order_view');
  for (const [n, { shape }] of live.entries()) {
    // Index names are per schema on PostgreSQL: the switch gives these their live twins' names (by shape).
    if (!present.has(shape)) await sql.raw(`create index ${`order_view_next_${n + 1}`} on order_view_next ${shape}`).execute(db);
  }
}

/** Each column of each non-unique index of `table`, in index and column order. */
async function mysqlSecondaryIndexes<DB>(db: Kysely<DB>, table: string): Promise<IndexColumn[]> {
  const { rows } = await sql<{ name: string; column_name: string; prefix: number | null; collation: string | null }>`
    select index_name as name, column_name, sub_part as prefix, collation
    from information_schema.statistics
    where table_schema = database() and table_name = ${table} and non_unique = 1
    order by index_name, seq_in_index`.execute(db);
  return rows.map((row) => ({
    name: row.name,
    column: row.column_name,
    prefix: row.prefix === null ? null : Number(row.prefix),
    descending: row.collation === 'D',
  }));
}

/** The non-unique indexes of `table` (not backing a constraint) and their definitions from `USING` on. */
async function postgresSecondaryIndexes<DB>(db: Kysely<DB>, table: string): Promise<{ name: string; shape: string }[]> {
  const { rows } = await sql<{ name: string; shape: string }>`
    select i.relname as name, substring(pg_get_indexdef(x.indexrelid) from 'USING .*$') as shape
    from pg_index x
    join pg_class i on i.oid = x.indexrelid
    join pg_class t on t.oid = x.indrelid
    where t.relname = ${table} and not x.indisunique and not x.indisprimary
      and t.relnamespace = (select oid from pg_namespace where nspname = current_schema())
      and not exists (select 1 from pg_constraint c where c.conindid = x.indexrelid)
    order by i.relname`.execute(db);
  return rows;
}
