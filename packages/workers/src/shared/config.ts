import { AmqpUrlSchema } from '@delivery/events';
import { z } from 'zod';

const url = (protocols: readonly string[]) =>
  z.url({ error: `must be a URL (${protocols.join(', ')})` }).refine((value) => protocols.includes(new URL(value).protocol), {
    error: `must start with ${protocols.join(' or ')}`,
  });

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** Empty variables count as unset, as a shell `FOO= cmd` or a compose file's `FOO:` mean. */
const optionalText = z.preprocess((value) => (value === '' ? undefined : value), z.string().optional());

/** Every worker's environment; defaults fit this machine's services (API.md "Configuration"). */
export const WorkersConfig = z
  .object({
    MYSQL_URL: url(['mysql:']).default('mysql://root@127.0.0.1:3306/delivery_system'),
    AMQP_URL: AmqpUrlSchema.default('amqp://guest:guest@127.0.0.1:5672'),
    SMTP_URL: z.preprocess((value) => (value === '' ? undefined : value), url(['smtp:', 'smtps:']).optional()),
    USER_EMAIL: optionalText,
    USER_EMAIL_PASS: optionalText,
    MAIL_FROM: optionalText,
    /** No mail server: emails are written to this folder as .eml files (development, embedded mode). */
    MAIL_DIR: optionalText,
    PUBLIC_URL: url(['http:', 'https:']).default('http://localhost:3000'),
    API_URL: url(['http:', 'https:']).default('http://127.0.0.1:3000'),
    AUTH_SECRET: optionalText,
    /** The vendor worker's bearer token for the API (a `vendor` role JWT). */
    VENDOR_TOKEN: optionalText,
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    DELIVERY_DELAY_MS: z.coerce.number().int().nonnegative().default(30_000),
    RELAY_BATCH_SIZE: positiveInt(100),
    RELAY_POLL_INTERVAL_MS: positiveInt(50),
    EMAIL_CONCURRENCY: positiveInt(8),
  })
  .refine((config) => !config.USER_EMAIL || config.USER_EMAIL_PASS, {
    error: 'is required when USER_EMAIL is set',
    path: ['USER_EMAIL_PASS'],
  });
export type WorkersConfig = z.infer<typeof WorkersConfig>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment once at boot.
 * @throws ConfigError naming each bad variable, e.g. `AMQP_URL: must start with amqp: or amqps:`.
 * @example const config = loadWorkersConfig(process.env);
 */
export function loadWorkersConfig(env: Record<string, string | undefined>): WorkersConfig {
  const parsed = WorkersConfig.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.') || '(environment)'}: ${issue.message}`);
  return fail(`invalid worker configuration:\n${problems.join('\n')}`);
}

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
export function mailConfigFrom(config: WorkersConfig): MailConfig {
  const transport: MailTransportConfig | null = config.SMTP_URL
    ? { kind: 'smtp', url: config.SMTP_URL }
    : config.USER_EMAIL && config.USER_EMAIL_PASS
      ? { kind: 'gmail', user: config.USER_EMAIL, pass: config.USER_EMAIL_PASS }
      : config.MAIL_DIR
        ? { kind: 'folder', folder: config.MAIL_DIR }
        : null;
  if (!transport) return fail('invalid worker configuration:\n  SMTP_URL: set it, or USER_EMAIL and USER_EMAIL_PASS for Gmail, or MAIL_DIR for a folder of .eml files');
  const from = config.MAIL_FROM ?? config.USER_EMAIL ?? 'Delivery <no-reply@delivery-system.local>';
  return { transport, from, publicUrl: config.PUBLIC_URL };
}

function fail(message: string): never {
  throw new ConfigError(message);
}
