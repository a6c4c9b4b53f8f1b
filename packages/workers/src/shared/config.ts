import { ConfigError, type Environment } from '@delivery/events';

// Every worker reads the one environment module every process shares (`@delivery/events`
// config/environment.ts); these names are the workers' since before it was shared.
export { ConfigError, Environment as WorkersConfig, loadEnvironment as loadWorkersConfig } from '@delivery/events';
/** How the email worker reaches a mail server: an SMTP URL, Gmail with an account as the original system did, or a folder. */
export type MailTransportConfig =
  | { kind: 'smtp'; url: string }
  | { kind: 'gmail'; user: string; pass: string }
  /** Development (embedded mode): each email written to `folder` as an .eml file, nothing sent. */
  | { kind: 'folder'; folder: string };

export interface MailConfig {
  transport: MailTransportConfig;
  from: string;
  publicUrl: string;
}

/**
 * The email worker's part of the configuration.
 * @throws ConfigError when none of SMTP_URL, USER_EMAIL + USER_EMAIL_PASS, MAIL_DIR is set.
 */
export function mailConfigFrom(config: Environment): MailConfig {
  const transport: MailTransportConfig | null = config.SMTP_URL
    ? { kind: 'smtp', url: config.SMTP_URL }
    : config.USER_EMAIL && config.USER_EMAIL_PASS
      ? { kind: 'gmail', user: config.USER_EMAIL, pass: config.USER_EMAIL_PASS }
      : config.MAIL_DIR
        ? { kind: 'folder', folder: config.MAIL_DIR }
        : null;
  if (!transport)
    return fail('invalid worker configuration:\n  SMTP_URL: set it, or USER_EMAIL and USER_EMAIL_PASS for Gmail, or MAIL_DIR for a folder of .eml files');
  const from = config.MAIL_FROM ?? config.USER_EMAIL ?? 'Delivery <no-reply@delivery-system.local>';
  // Without PUBLIC_URL, links point at the API on this machine, on the port it listens on.
  return { transport, from, publicUrl: config.PUBLIC_URL ?? `http://localhost:${config.PORT}` };
}

function fail(message: string): never {
  throw new ConfigError(message);
}
