import { AmqpUrlSchema } from '@delivery/events';
import { z } from 'zod';

/**
 * Signs tokens on a developer machine when AUTH_SECRET is unset; refused in production, and
 * `configWarnings` reports its use so nobody ships it by accident.
 */
export const DEV_AUTH_SECRET = 'dev-only-secret-change-me-0123456789abcdef';

const url = (protocols: readonly string[]) =>
  z.url({ error: `must be a URL (${protocols.join(', ')})` }).refine((value) => protocols.includes(new URL(value).protocol), {
    error: `must start with ${protocols.join(' or ')}`,
  });

/** Empty variables count as unset, as a shell `FOO= cmd` or a compose file's `FOO:` mean. */
const unsetWhenEmpty = <T extends z.ZodType>(schema: T) => z.preprocess((value) => (value === '' ? undefined : value), schema);

const positiveInt = (fallback: number) => unsetWhenEmpty(z.coerce.number().int().positive().default(fallback));

/** The API's environment; defaults fit this machine's services (API.md "Configuration"). */
export const ApiConfig = z
  .object({
    NODE_ENV: unsetWhenEmpty(z.enum(['development', 'test', 'production']).default('development')),
    PORT: unsetWhenEmpty(z.coerce.number().int().min(0).max(65_535).default(3000)),
    MYSQL_URL: unsetWhenEmpty(url(['mysql:']).default('mysql://root@127.0.0.1:3306/delivery_system')),
    // A replica of MYSQL_URL's server for read-model reads (order.get, order.list); unset, the primary serves them.
    MYSQL_READ_URL: unsetWhenEmpty(url(['mysql:']).optional()),
    POSTGRES_URL: unsetWhenEmpty(url(['postgres:', 'postgresql:']).default('postgres://postgres@127.0.0.1:5432/delivery_system')),
    AMQP_URL: unsetWhenEmpty(AmqpUrlSchema.default('amqp://guest:guest@127.0.0.1:5672')),
    SMTP_URL: unsetWhenEmpty(url(['smtp:', 'smtps:']).optional()),
    USER_EMAIL: unsetWhenEmpty(z.email({ error: 'must be an email address' }).optional()),
    USER_EMAIL_PASS: unsetWhenEmpty(z.string().optional()),
    MAIL_FROM: unsetWhenEmpty(z.string().optional()),
    // Where development emails are kept as .eml files (no mail server): listed at /dev/mail outside production.
    MAIL_DIR: unsetWhenEmpty(z.string().optional()),
    AUTH_SECRET: unsetWhenEmpty(
      z.string().min(32, { error: 'must be at least 32 characters (HS256 needs a 256-bit key)' }).default(DEV_AUTH_SECRET),
    ),
    DELIVERY_DELAY_MS: unsetWhenEmpty(z.coerce.number().int().nonnegative().default(30_000)),
    LOG_LEVEL: unsetWhenEmpty(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')),
    // A full bulk create (500 items with 2,000-character descriptions) is about 1.2 MB of JSON.
    MAX_BODY_BYTES: positiveInt(2 * 1024 * 1024),
    API_URL: unsetWhenEmpty(url(['http:', 'https:']).default('http://127.0.0.1:3000')),
    // The original system's REST paths carry no tokens: off unless an operator turns them on for a migration.
    LEGACY_API: unsetWhenEmpty(z.enum(['on', 'off'], { error: 'must be on or off' }).default('off')),
  })
  .refine((config) => config.NODE_ENV !== 'production' || config.AUTH_SECRET !== DEV_AUTH_SECRET, {
    error: 'must be set in production (the development default is public)',
    path: ['AUTH_SECRET'],
  })
  .refine((config) => !config.USER_EMAIL || config.USER_EMAIL_PASS, {
    error: 'is required when USER_EMAIL is set',
    path: ['USER_EMAIL_PASS'],
  });
export type ApiConfig = z.infer<typeof ApiConfig>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment once at boot.
 * @throws ConfigError naming each bad variable, e.g. `PORT: must be at most 65535`.
 * @example const config = loadConfig(process.env);
 */
export function loadConfig(env: Record<string, string | undefined>): ApiConfig {
  const parsed = ApiConfig.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `  ${issue.path.join('.') || '(environment)'}: ${issue.message}`);
  throw new ConfigError(`invalid API configuration:\n${problems.join('\n')}`);
}

/** What an operator should hear about at boot without it being fatal. */
export function configWarnings(config: ApiConfig): string[] {
  const warnings: string[] = [];
  if (config.AUTH_SECRET === DEV_AUTH_SECRET) {
    warnings.push('AUTH_SECRET is not set: tokens are signed with the public development secret');
  }
  return warnings;
}
