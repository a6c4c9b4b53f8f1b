import { describe, expect, it } from 'vitest';
import { MAX_MONEY, MAX_MONEY_CENTS, Money, centsToMoney, moneyToCents, multiplyMoney, sumMoney } from './money';

describe('money', () => {
  it('adds amounts that binary floating point gets wrong', () => {
    expect(sumMoney(['0.10', '0.20'])).toBe('0.30');
  });
  it('multiplies a unit price by a quantity exactly', () => {
    expect(multiplyMoney('8.50', 3)).toBe('25.50');
  });
  it('round-trips cents', () => {
    expect(centsToMoney(moneyToCents('1234.05'))).toBe('1234.05');
  });
  it('refuses negative cents', () => {
    expect(() => centsToMoney(-1)).toThrow(RangeError);
  });
  it('writes the largest amount the format holds, and refuses one cent more', () => {
    expect(centsToMoney(MAX_MONEY_CENTS)).toBe(MAX_MONEY);
    expect(Money.safeParse(MAX_MONEY).success).toBe(true);
    expect(() => centsToMoney(MAX_MONEY_CENTS + 1)).toThrow(/largest amount/);
    expect(() => multiplyMoney('20000.00', 5000)).toThrow(RangeError);
  });
});
