import type { Insertable, Selectable } from 'kysely';

/** One row per confirmation email sent: its event id is what makes a redelivered message send nothing. */
export interface EmailLogTable {
  event_id: string;
  order_id: string;
  recipient: string;
  sent_at: Date;
  /** The Message-ID header the email was sent with (derived from the event id). */
  message_id: string;
}

export type EmailLogRow = Selectable<EmailLogTable>;
export type NewEmailLogRow = Insertable<EmailLogTable>;

export interface EmailLogDatabase {
  email_log: EmailLogTable;
}
