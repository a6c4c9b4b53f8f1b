import type { Kysely } from 'kysely';
import type { EmailLogDatabase, EmailLogRow, NewEmailLogRow } from './email-log.table';

/** The log entry of the email sent for an event, if one was. */
export async function findEmailLog(db: Kysely<EmailLogDatabase>, eventId: string): Promise<EmailLogRow | undefined> {
  return db.selectFrom('email_log').selectAll().where('event_id', '=', eventId).executeTakeFirst();
}

/**
 * Records a sent email. A second record for the same event (two workers racing on a redelivery)
 * is ignored: the email exists, which is all the log has to say.
 */
export async function recordEmailSent(db: Kysely<EmailLogDatabase>, row: NewEmailLogRow): Promise<void> {
  await db.insertInto('email_log').ignore().values(row).execute();
}

export async function listEmailLogForOrder(db: Kysely<EmailLogDatabase>, orderId: string): Promise<EmailLogRow[]> {
  return db.selectFrom('email_log').selectAll().where('order_id', '=', orderId).orderBy('sent_at').execute();
}
