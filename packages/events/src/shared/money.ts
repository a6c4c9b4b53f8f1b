import { z } from 'zod';

/**
 * Money travels as a decimal string with two places ("8.50") and is computed in integer cents,
 * never in binary floating point.
 */
export const MONEY_PATTERN = /^\d{1,8}\.\d{2}$/;
export const Money = z.string().regex(MONEY_PATTERN, 'must be a decimal string with two places, such as "8.50"');
export type Money = z.infer<typeof Money>;

/** The largest amount the format holds (eight digits before the point): every price, line total and total. */
export const MAX_MONEY_CENTS = 9_999_999_999;
export const MAX_MONEY: Money = '99999999.99';

export function moneyToCents(money: Money): number {
  const [whole = '0', fraction = '00'] = money.split('.');
  return Number(whole) * 100 + Number(fraction);
}

export function centsToMoney(cents: number): Money {
  if (!Number.isSafeInteger(cents) || cents < 0) throw new RangeError(`invalid cents: ${cents}`);
  if (cents > MAX_MONEY_CENTS) throw new RangeError(`${cents} cents is more than the largest amount, ${MAX_MONEY}`);
  const fraction = String(cents % 100).padStart(2, '0');
  return `${Math.floor(cents / 100)}.${fraction}`;
}

/** Multiplies a unit price by a quantity exactly. */
export function multiplyMoney(unitPrice: Money, quantity: number): Money {
  return centsToMoney(moneyToCents(unitPrice) * quantity);
}

export function sumMoney(amounts: readonly Money[]): Money {
  return centsToMoney(amounts.reduce((total, amount) => total + moneyToCents(amount), 0));
}
