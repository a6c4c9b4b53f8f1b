import { describe, expect, it } from 'vitest';
import { orderHistory, withVersions } from '../testing/order-histories';
import { foldOrderView, ProjectionError, projectOrderView } from './order-view.projection';

describe('order view projection', () => {
  describe('when an order is placed', () => {
    it("creates a pending row with the order's owner, email, lines, total and placement time", () => {
      const [placed] = withVersions(orderHistory({ customerId: 'bob', placedAt: new Date('2026-01-02T03:04:05.678Z') }));
      const row = projectOrderView(null, placed!);
      expect(row).toEqual({
        orderId: placed!.event.data.orderId,
        customerId: 'bob',
        email: 'bob@example.com',
        status: 'pending',
        lines: placed!.event.type === 'OrderPlaced' ? placed!.event.data.lines : [],
        total: '33.75',
        createdAt: '2026-01-02T03:04:05.678Z',
        updatedAt: '2026-01-02T03:04:05.678Z',
        version: 1,
      });
    });

    it('stores times in UTC with milliseconds, as a DATETIME(3) column gives them back', () => {
      const [placed] = orderHistory();
      const event = { ...placed!, metadata: { ...placed!.metadata, occurredAt: '2026-01-02T05:04:05.678912+02:00' } };
      expect(projectOrderView(null, { streamVersion: 1, event }).createdAt).toBe('2026-01-02T03:04:05.678Z');
    });
  });

  describe('when later events follow', () => {
    it('moves status, updatedAt and version on, keeping what was placed', () => {
      const history = withVersions(orderHistory({ outcome: 'delivered', placedAt: new Date('2026-01-02T03:00:00.000Z') }));
      const placedRow = projectOrderView(null, history[0]!);
      const row = foldOrderView(history);
      expect(row).toEqual({ ...placedRow, status: 'delivered', updatedAt: '2026-01-02T03:00:02.000Z', version: 3 });
    });

    it.each([
      ['accepted', 'accepted'],
      ['cancelled', 'cancelled'],
      ['rejected', 'rejected'],
    ] as const)('gives status %s after an order is %s', (outcome, status) => {
      expect(foldOrderView(withVersions(orderHistory({ outcome })))?.status).toBe(status);
    });
  });

  describe('when an event does not directly follow the row', () => {
    const history = withVersions(orderHistory({ outcome: 'delivered' }));
    const placedRow = projectOrderView(null, history[0]!);

    it('refuses a gap', () => {
      expect(() => projectOrderView(placedRow, history[2]!)).toThrow(ProjectionError);
    });

    it('refuses a version the row already has', () => {
      expect(() => projectOrderView(projectOrderView(placedRow, history[1]!), history[1]!)).toThrow(ProjectionError);
    });

    it('refuses a stream that does not start with OrderPlaced', () => {
      expect(() => projectOrderView(null, { ...history[1]!, streamVersion: 1 })).toThrow(/not OrderPlaced/);
    });

    it('refuses a second OrderPlaced', () => {
      expect(() => projectOrderView(placedRow, { ...history[0]!, streamVersion: 2 })).toThrow(/placed a second time/);
    });

    it('refuses an event of another order', () => {
      const [, otherAccepted] = withVersions(orderHistory({ outcome: 'accepted' }));
      expect(() => projectOrderView(placedRow, otherAccepted!)).toThrow(/applied to order/);
    });
  });
});
