import type { ColumnType, Generated } from 'kysely';
import type { AlcoholContent, BarCategory, FoodCategory } from './menu.schemas';

/** NUMERIC(10,2) travels as a decimal string both ways ("8.50"). */
type Numeric = ColumnType<string, string, string>;

export interface FoodItemsTable {
  id: Generated<number>;
  name: string;
  description: Generated<string>;
  price: Numeric;
  available: Generated<boolean>;
  category: FoodCategory;
  updated_at: Generated<Date>;
}

export interface BarItemsTable extends Omit<FoodItemsTable, 'category'> {
  category: BarCategory;
  alcohol_content: AlcoholContent;
}

export interface MenuDatabase {
  food_items: FoodItemsTable;
  bar_items: BarItemsTable;
}

export const menuTables = { food: 'food_items', bar: 'bar_items' } as const;
