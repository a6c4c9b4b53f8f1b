import { describe, expect, it } from 'vitest';
import { centsToMoney, moneyToCents, multiplyMoney, sumMoney } from './money';

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
});
