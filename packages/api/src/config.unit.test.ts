import { describe, expect, it } from 'vitest';
import { ConfigError, DEV_AUTH_SECRET, configWarnings, loadConfig } from './config';

const secret = 'x'.repeat(32);

describe('api config', () => {
  it('fills in the defaults of API.md for an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      MYSQL_URL: 'mysql://root@127.0.0.1:3306/delivery_system',
      POSTGRES_URL: 'postgres://postgres@127.0.0.1:5432/delivery_system',
      AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672',
      DELIVERY_DELAY_MS: 30_000,
      PORT: 3000,
      API_URL: 'http://127.0.0.1:3000',
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
    });
    expect(config.SMTP_URL).toBeUndefined();
  });

  it('parses numbers from their text', () => {
    expect(loadConfig({ PORT: '3900', DELIVERY_DELAY_MS: '500', MAX_BODY_BYTES: '1024' })).toMatchObject({
      PORT: 3900,
      DELIVERY_DELAY_MS: 500,
      MAX_BODY_BYTES: 1024,
    });
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '', SMTP_URL: '' })).toMatchObject({ PORT: 3000, SMTP_URL: undefined });
  });

  it('names every bad variable and why in one error', () => {
    const load = () => loadConfig({ PORT: 'abc', MYSQL_URL: 'postgres://x/y', AUTH_SECRET: 'short' });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/PORT: /);
    expect(load).toThrow(/MYSQL_URL: must start with mysql:/);
    expect(load).toThrow(/AUTH_SECRET: must be at least 32 characters/);
  });

  it('refuses a port out of range', () => {
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/PORT: /);
  });

  it('requires the Gmail password with the Gmail account', () => {
    expect(() => loadConfig({ USER_EMAIL: 'me@gmail.com' })).toThrow(/USER_EMAIL_PASS: is required when USER_EMAIL is set/);
    expect(loadConfig({ USER_EMAIL: 'me@gmail.com', USER_EMAIL_PASS: 'app-password' }).USER_EMAIL).toBe('me@gmail.com');
  });

  it('warns when the development secret is in use', () => {
    expect(loadConfig({}).AUTH_SECRET).toBe(DEV_AUTH_SECRET);
    expect(configWarnings(loadConfig({}))).toEqual([expect.stringMatching(/AUTH_SECRET/)]);
    expect(configWarnings(loadConfig({ AUTH_SECRET: secret }))).toEqual([]);
  });

  it('refuses to run in production without a secret of its own', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/AUTH_SECRET: must be set in production/);
    expect(loadConfig({ NODE_ENV: 'production', AUTH_SECRET: secret }).NODE_ENV).toBe('production');
  });
});
