import { type Kysely, sql } from 'kysely';

/** What a MariaDB replica says of itself. */
export interface ReplicaStatus {
  /** Both replication threads run (it receives and applies the primary's changes). */
  replicating: boolean;
  /** How far behind the primary it applies, in seconds; null while it is not replicating. */
  lagSeconds: number | null;
}

interface ReplicaStatusRow {
  Slave_IO_Running?: string;
  Slave_SQL_Running?: string;
  Seconds_Behind_Master?: string | number | null;
}

/**
 * Reads `SHOW REPLICA STATUS` (MariaDB 10.5+; needs the REPLICA MONITOR privilege). A server that is no
 * replica answers no row: not replicating.
 */
export async function readReplicaStatus<DB>(db: Kysely<DB>): Promise<ReplicaStatus> {
  const { rows } = await sql<ReplicaStatusRow>`SHOW REPLICA STATUS`.execute(db);
  const row = rows[0];
  if (!row) return { replicating: false, lagSeconds: null };
  const replicating = row.Slave_IO_Running === 'Yes' && row.Slave_SQL_Running === 'Yes';
  const lag = row.Seconds_Behind_Master;
  return { replicating, lagSeconds: replicating && lag !== null && lag !== undefined ? Number(lag) : null };
}
