import type { EventStoreDatabase } from '@delivery/events';
import type { ProjectionsDatabase } from '@delivery/projections';
import type { Kysely } from 'kysely';
import type { MenuDatabase } from '../menu/menu.table';

/** The orders database (MySQL, or PostgreSQL/PGlite in embedded mode): the event store and the read model side by side. */
export type ApiOrdersDatabase = EventStoreDatabase & ProjectionsDatabase;

export interface ApiDatabases {
  /** The menu (PostgreSQL). */
  menu: Kysely<MenuDatabase>;
  /** The event store and the read model (MySQL); in embedded mode both are one PGlite database. */
  orders: Kysely<ApiOrdersDatabase>;
}
