import { describe, expect, it } from 'vitest';
import { ConfigError, loadWorkersConfig, mailConfigFrom } from './config';

describe('workers config (environment: events/src/config/environment.unit.test.ts)', () => {
  describe('mail part', () => {
    it('prefers SMTP_URL', () => {
      const config = loadWorkersConfig({ SMTP_URL: 'smtp://127.0.0.1:2525', USER_EMAIL: 'shop@gmail.com', USER_EMAIL_PASS: 'secret' });
      expect(mailConfigFrom(config).transport).toEqual({ kind: 'smtp', url: 'smtp://127.0.0.1:2525' });
    });

    it('falls back to Gmail and sends from the account', () => {
      const mail = mailConfigFrom(loadWorkersConfig({ USER_EMAIL: 'shop@gmail.com', USER_EMAIL_PASS: 'secret' }));
      expect(mail).toMatchObject({ transport: { kind: 'gmail', user: 'shop@gmail.com' }, from: 'shop@gmail.com' });
    });

    it('links emails to PUBLIC_URL, or to the API on its own port, never a fixed localhost:3000', () => {
      expect(mailConfigFrom(loadWorkersConfig({ MAIL_DIR: '/tmp/mail', PUBLIC_URL: 'https://shop.example.com/' })).publicUrl).toBe('https://shop.example.com');
      expect(mailConfigFrom(loadWorkersConfig({ MAIL_DIR: '/tmp/mail', PORT: '4100' })).publicUrl).toBe('http://localhost:4100');
    });

    it('refuses to start without any way to send', () => {
      expect(() => mailConfigFrom(loadWorkersConfig({}))).toThrow(ConfigError);
    });
  });
});
