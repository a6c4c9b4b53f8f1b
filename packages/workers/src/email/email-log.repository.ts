import { sqlFamilyOf } from '@delivery/events';
import type { Kysely } from 'kysely';
import type { EmailLogDatabase, EmailLogRow, NewEmailLogRow } from './email-log.table';

/** The log entry of the email sent for an event, if one was. */
export async function findEmailLog(db: Kysely<EmailLogDatabase>, eventId: string): Promise<EmailLogRow | undefined> {
  return (await findEmailLogs(db, [eventId]))[0];
}

/** The log entries of the emails sent for these events (those that were), in one statement. */
export async function findEmailLogs(db: Kysely<EmailLogDatabase>, eventIds: readonly string[]): Promise<EmailLogRow[]> {
  if (eventIds.length === 0) return [];
  return db.selectFrom('email_log').selectAll().where('event_id', 'in', eventIds).execute();
}

/**
 * Records sent emails, in one statement. A second record for the same event (two workers racing on a
 * redelivery) is ignored: the email exists, which is all the log has to say.
 * @example await recordEmailsSent(db, [{ event_id, order_id, recipient, sent_at: clock.now(), message_id }]);
 */
export async function recordEmailsSent(db: Kysely<EmailLogDatabase>, rows: readonly NewEmailLogRow[]): Promise<void> {
  if (rows.length === 0) return;
  const insert = db.insertInto('email_log').values([...rows]);
  // INSERT IGNORE would also swallow other errors (a value too long, a NULL) on MySQL; the key is the only expected conflict.
  if (sqlFamilyOf(db) === 'mysql') await insert.onDuplicateKeyUpdate({ event_id: (eb) => eb.ref('event_id') }).execute();
  else await insert.onConflict((conflict) => conflict.column('event_id').doNothing()).execute();
}

export async function listEmailLogForOrder(db: Kysely<EmailLogDatabase>, orderId: string): Promise<EmailLogRow[]> {
  return db.selectFrom('email_log').selectAll().where('order_id', '=', orderId).orderBy('sent_at').execute();
}
