import { type Kysely, type Migration, sql } from 'kysely';

// The category lists are written out here, not imported: a shipped migration must not change when the
// schemas do (a new category means a new migration).
const foodCategories = ['Appetizers', 'Entrees', 'Sides', 'Desserts', 'Beverages'];
const barCategories = ['Cocktails', 'Beer', 'Wine', 'Spirits', 'Mocktails'];
const alcoholContents = ['Strong', 'Medium', 'None'];

const oneOf = (column: string, values: readonly string[]) => sql`${sql.ref(column)} IN (${sql.join(values.map((value) => sql.lit(value)))})`;

async function createMenuTable(db: Kysely<unknown>, table: string, categories: readonly string[], withAlcohol: boolean) {
  let builder = db.schema
    .createTable(table)
    .ifNotExists()
    .addColumn('id', 'serial', (column) => column.primaryKey())
    .addColumn('name', 'varchar(200)', (column) => column.notNull())
    .addColumn('description', 'text', (column) => column.notNull().defaultTo(''))
    .addColumn('price', 'numeric(10, 2)', (column) => column.notNull().check(sql`price >= 0`))
    .addColumn('available', 'boolean', (column) => column.notNull().defaultTo(true))
    .addColumn('category', 'text', (column) => column.notNull().check(oneOf('category', categories)));
  if (withAlcohol) {
    builder = builder.addColumn('alcohol_content', 'text', (column) => column.notNull().check(oneOf('alcohol_content', alcoholContents)));
  }
  await builder.addColumn('updated_at', 'timestamptz', (column) => column.notNull().defaultTo(sql`now()`)).execute();
}

export const menuTablesMigration: Migration = {
  async up(db) {
    await createMenuTable(db, 'food_items', foodCategories, false);
    await createMenuTable(db, 'bar_items', barCategories, true);
  },
  async down(db) {
    await db.schema.dropTable('bar_items').ifExists().execute();
    await db.schema.dropTable('food_items').ifExists().execute();
  },
};
