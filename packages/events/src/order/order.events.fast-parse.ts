import { MONEY_PATTERN } from '../shared/money';
import type { z } from 'zod';
import {
  Actor,
  EventMetadata,
  MenuKind,
  OrderCancelled,
  OrderLine,
  OrderPlaced,
  OrderRejected,
  Role,
  type EventMetadata as Metadata,
  type OrderEvent,
} from './order.events';
import { ORDER_LIMITS } from './order.limits';

/*
 * Every stored event is validated each time it is read, and a replay reads millions: zod's general
 * machinery (a payload and issue list per value, closures per check) made validation a replay's largest
 * cost. This is the same schema (order.events.ts), checked by hand for the events as they are written,
 * and it only ever answers "valid, and here is what zod would return" or "ask zod": anything it is not
 * sure of (a string whose length zod counts in code points, an unknown type, any failure) goes to
 * `OrderEvent.parse`, which stays the judge and writes the error. A property test holds the two together
 * (order.events.fast-parse.unit.test.ts).
 *
 * What zod returns, rebuilt here: a new object per object schema, with the schema's keys in the schema's
 * order and no others; a new array per array; an optional key kept (even as undefined) when it is `in`
 * the input, left out otherwise.
 */

// The formats' patterns and the strings' lengths, read from the schemas, so a change there changes here too.
const metadataShape = EventMetadata.shape;
const placedShape = OrderPlaced.shape.data.shape;
const UUID = metadataShape.eventId.def.pattern;
const ORDER_ID = placedShape.orderId.def.pattern;
const EMAIL = placedShape.email.def.pattern;
const DATETIME = metadataShape.occurredAt.def.pattern;

interface Lengths {
  min: number;
  max: number;
}
const lengths = (schema: z.ZodString): Lengths => ({ min: schema.minLength ?? 0, max: schema.maxLength ?? Number.POSITIVE_INFINITY });
const CORRELATION_ID = lengths(metadataShape.correlationId);
const CAUSATION_ID = lengths(metadataShape.causationId.unwrap());
const TRACEPARENT = lengths(metadataShape.traceparent.unwrap());
const SUB = lengths(Actor.shape.sub);
const CUSTOMER_ID = lengths(placedShape.customerId);
const IDEMPOTENCY_KEY = lengths(placedShape.idempotencyKey.unwrap());
const LINE_NAME = lengths(OrderLine.shape.name);
const REJECTION_REASON = lengths(OrderRejected.shape.data.shape.reason);
const CANCELLATION_REASON = lengths(OrderCancelled.shape.data.shape.reason.unwrap());
const oneOf = <T>(options: readonly T[]) => {
  const allowed: ReadonlySet<unknown> = new Set(options);
  return (value: unknown): value is T => allowed.has(value);
};
const isRole = oneOf(Role.options);
const isMenuKind = oneOf(MenuKind.options);

type Plain = Record<string, unknown>;
const isObject = (value: unknown): value is Plain => typeof value === 'object' && value !== null && !Array.isArray(value);
const matches = (value: unknown, pattern: RegExp | undefined): value is string => typeof value === 'string' && pattern !== undefined && pattern.test(value);
const isMoney = (value: unknown): value is string => typeof value === 'string' && MONEY_PATTERN.test(value);
// zod counts a string's length in code points, one or two UTF-16 units each: within the maximum in units
// is within it in code points, and twice the minimum in units is at least the minimum in code points
// (for a minimum of 0 or 1, the schemas' only ones, the two counts agree). Strings in between go to zod.
const isText = (value: unknown, { min, max }: Lengths): value is string =>
  typeof value === 'string' && value.length >= min && value.length <= max && (min <= 1 || value.length >= 2 * min);
const isWholeIn = (value: unknown, min: number, max: number): value is number =>
  Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max;

/**
 * The event as `OrderEvent.parse` would return it, or undefined when this cannot vouch for it (invalid, or
 * unusual enough to leave to zod).
 * @example const event = fastParseOrderEvent(raw) ?? OrderEvent.parse(raw);
 */
export function fastParseOrderEvent(raw: unknown): OrderEvent | undefined {
  if (!isObject(raw)) return undefined;
  const { type, data } = raw;
  if (!isObject(data)) return undefined;
  const metadata = parseMetadata(raw.metadata);
  if (metadata === undefined) return undefined;
  const { orderId } = data;
  if (!matches(orderId, ORDER_ID)) return undefined;
  switch (type) {
    case 'OrderPlaced': {
      const { customerId, email, total, idempotencyKey } = data;
      const lines = parseLines(data.lines);
      if (!isText(customerId, CUSTOMER_ID) || !matches(email, EMAIL) || lines === undefined || !isMoney(total)) return undefined;
      if (idempotencyKey !== null && !isText(idempotencyKey, IDEMPOTENCY_KEY)) return undefined;
      return { type, data: { orderId, customerId, email, lines, total, idempotencyKey }, metadata };
    }
    case 'OrderAccepted':
    case 'OrderDelivered':
      return { type, data: { orderId }, metadata };
    case 'OrderRejected': {
      const { reason } = data;
      return isText(reason, REJECTION_REASON) ? { type, data: { orderId, reason }, metadata } : undefined;
    }
    case 'OrderCancelled': {
      const { reason } = data;
      return reason === null || isText(reason, CANCELLATION_REASON) ? { type, data: { orderId, reason }, metadata } : undefined;
    }
    default:
      return undefined;
  }
}

function parseMetadata(metadata: unknown): Metadata | undefined {
  if (!isObject(metadata)) return undefined;
  const { eventId, correlationId, causationId, occurredAt, schemaVersion, actor } = metadata;
  if (!matches(eventId, UUID) || !isText(correlationId, CORRELATION_ID)) return undefined;
  if (causationId !== null && !isText(causationId, CAUSATION_ID)) return undefined;
  if (!matches(occurredAt, DATETIME) || !isWholeIn(schemaVersion, 1, Number.MAX_SAFE_INTEGER)) return undefined;
  if (!isObject(actor)) return undefined;
  const { sub, role } = actor;
  if (!isText(sub, SUB) || !isRole(role)) return undefined;
  const parsed: Metadata = { eventId, correlationId, causationId, occurredAt, schemaVersion, actor: { sub, role } };
  const { traceparent } = metadata;
  if (traceparent === undefined) {
    if ('traceparent' in metadata) parsed.traceparent = undefined;
  } else if (isText(traceparent, TRACEPARENT)) parsed.traceparent = traceparent;
  else return undefined;
  return parsed;
}

function parseLines(lines: unknown): OrderLine[] | undefined {
  if (!Array.isArray(lines) || lines.length < 1 || lines.length > ORDER_LIMITS.maxLines) return undefined;
  const parsed: OrderLine[] = [];
  for (let index = 0; index < lines.length; index++) {
    const line: unknown = lines[index];
    if (!isObject(line)) return undefined;
    const { kind, itemId, name, unitPrice, quantity, lineTotal } = line;
    if (!isMenuKind(kind)) return undefined;
    if (!isWholeIn(itemId, 1, ORDER_LIMITS.maxMenuItemId) || !isText(name, LINE_NAME)) return undefined;
    if (!isMoney(unitPrice) || !isWholeIn(quantity, 1, ORDER_LIMITS.maxQuantity) || !isMoney(lineTotal)) return undefined;
    parsed.push({ kind, itemId, name, unitPrice, quantity, lineTotal });
  }
  return parsed;
}
