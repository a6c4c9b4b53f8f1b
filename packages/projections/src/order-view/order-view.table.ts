import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Money, OrderLine, OrderStatus } from '@delivery/events';

/** The columns of `order_view`: one row per order, as `order.get` and `order.list` read it. */
export interface OrderViewTable {
  order_id: string;
  /** The owner (the JWT `sub` that placed it): used for filtering and BOLA checks, never returned. */
  customer_id: string;
  email: string;
  status: OrderStatus;
  /** `OrderLine[]` as JSON text (LONGTEXT / TEXT: the same on MariaDB, MySQL and PostgreSQL, whose JSON types differ). */
  lines: string;
  /** DECIMAL(12,2): mysql2 and the PostgreSQL drivers (as set up by `@delivery/events`) return a string, already a Money string. */
  total: string;
  created_at: Date;
  updated_at: Date;
  /** The stream version of the last event folded in: the per-stream checkpoint of the projection. */
  version: number;
}

export type OrderViewColumns = Selectable<OrderViewTable>;
export type NewOrderViewColumns = Insertable<OrderViewTable>;

/**
 * The projection's state of one order (what `projectOrderView` folds). Times are ISO strings in UTC
 * with millisecond precision, exactly what a DATETIME(3) or TIMESTAMPTZ(3) column gives back.
 */
export interface OrderViewRow {
  orderId: string;
  customerId: string;
  email: string;
  status: OrderStatus;
  lines: OrderLine[];
  total: Money;
  createdAt: string;
  updatedAt: string;
  version: number;
}

/** The shape of `OrderViewRow`'s times, as `toISOString` gives them: an instant in UTC with milliseconds. */
export const UTC_MILLIS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** `order_view` is the live table; replay builds `order_view_next` and keeps `order_view_old` until the switch is done. */
export type OrderViewTableName = 'order_view' | 'order_view_next' | 'order_view_old';

export interface ProjectionCheckpointTable {
  name: string;
  /** A global position of the event store (BIGINT: a string when read back, so it never loses precision). */
  position: string;
  updated_at: Date;
}

export interface ProjectionsDatabase {
  order_view: OrderViewTable;
  order_view_next: OrderViewTable;
  order_view_old: OrderViewTable;
  projection_checkpoints: ProjectionCheckpointTable;
}

/**
 * Views a caller's Kysely (which may know the event store's tables too) as one over these tables:
 * Kysely's type parameter is invariant, so an intersection of table sets would not be accepted as is.
 */
export const asProjectionsDb = <DB>(db: Kysely<DB>): Kysely<ProjectionsDatabase> => db as unknown as Kysely<ProjectionsDatabase>;

/** The same tables under the name the projection worker uses. */
export type OrderViewDatabase = ProjectionsDatabase;
