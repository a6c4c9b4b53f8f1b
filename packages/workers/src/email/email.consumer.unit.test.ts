import { NonRetryableError } from '@delivery/events';
import { describe, expect, it } from 'vitest';
import { confirmationMessageId, domainOfAddress, validateRecipient } from './email.consumer';

describe('email consumer rules', () => {
  describe('recipient validation', () => {
    it('accepts an ordinary address', () => {
      expect(validateRecipient('alice@example.com')).toBe('alice@example.com');
    });

    it.each([
      ['a header injection', 'alice@example.com\r\nBcc: everyone@example.com'],
      ['a bare line feed', 'alice@example.com\nX-Evil: 1'],
      ['no domain', 'alice'],
      ['two addresses', 'alice@example.com, bob@example.com'],
    ])('refuses %s as not retryable', (_name, address) => {
      expect(() => validateRecipient(address)).toThrow(NonRetryableError);
    });
  });

  it('derives the same Message-ID from the same event every time', () => {
    const eventId = '6f1c1f5e-8a4b-4d0e-9f55-1d2c3b4a5e6f';
    expect(confirmationMessageId(eventId, 'example.com')).toBe(confirmationMessageId(eventId, 'example.com'));
    expect(confirmationMessageId(eventId, 'example.com')).toBe(`<order-confirmation.${eventId}@example.com>`);
  });

  it('takes the Message-ID domain from the sender address', () => {
    expect(domainOfAddress('Shop <orders@shop.example.com>')).toBe('shop.example.com');
    expect(domainOfAddress('orders@example.org')).toBe('example.org');
    expect(domainOfAddress('no address')).toBe('delivery-system.local');
  });
});
