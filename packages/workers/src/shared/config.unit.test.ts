import { describe, expect, it } from 'vitest';
import { ConfigError, loadWorkersConfig, mailConfigFrom } from './config';

describe('workers config', () => {
  it('fills the defaults of this machine when nothing is set', () => {
    expect(loadWorkersConfig({})).toMatchObject({
      MYSQL_URL: 'mysql://root@127.0.0.1:3306/delivery_system',
      AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672',
      DELIVERY_DELAY_MS: 30_000,
      LOG_LEVEL: 'info',
    });
  });

  it('reads numbers from their text', () => {
    expect(loadWorkersConfig({ DELIVERY_DELAY_MS: '1500' }).DELIVERY_DELAY_MS).toBe(1500);
  });

  it('names the bad variable in its error', () => {
    expect(() => loadWorkersConfig({ AMQP_URL: 'http://rabbit' })).toThrow(/AMQP_URL: must start with amqp:/);
    expect(() => loadWorkersConfig({ DELIVERY_DELAY_MS: 'soon' })).toThrow(/DELIVERY_DELAY_MS/);
  });

  it('wants a password with a Gmail account', () => {
    expect(() => loadWorkersConfig({ USER_EMAIL: 'shop@gmail.com' })).toThrow(/USER_EMAIL_PASS: is required/);
  });

  describe('mail part', () => {
    it('prefers SMTP_URL', () => {
      const config = loadWorkersConfig({ SMTP_URL: 'smtp://127.0.0.1:2525', USER_EMAIL: 'shop@gmail.com', USER_EMAIL_PASS: 'secret' });
      expect(mailConfigFrom(config).transport).toEqual({ kind: 'smtp', url: 'smtp://127.0.0.1:2525' });
    });

    it('falls back to Gmail and sends from the account', () => {
      const mail = mailConfigFrom(loadWorkersConfig({ USER_EMAIL: 'shop@gmail.com', USER_EMAIL_PASS: 'secret' }));
      expect(mail).toMatchObject({ transport: { kind: 'gmail', user: 'shop@gmail.com' }, from: 'shop@gmail.com' });
    });

    it('refuses to start without any way to send', () => {
      expect(() => mailConfigFrom(loadWorkersConfig({}))).toThrow(ConfigError);
    });
  });
});
