import { describe, expect, it } from 'vitest';
import { foldOrderView } from '../order-view/order-view.projection';
import type { OrderViewRow } from '../order-view/order-view.table';
import { orderHistory, withVersions } from '../testing/order-histories';
import { RecentOrderViews } from './recent-order-views.cache';

const rowAt = (events: ReturnType<typeof orderHistory>, version: number): OrderViewRow => foldOrderView(withVersions(events.slice(0, version)))!;
const orders = (count: number) => Array.from({ length: count }, () => orderHistory({ outcome: 'delivered' }));

describe('recent order views', () => {
  it('gives back the row an order was last remembered with', () => {
    const [events] = orders(1);
    const recent = new RecentOrderViews(10);
    recent.remember([rowAt(events!, 1)]);
    recent.remember([rowAt(events!, 3)]);
    expect(recent.get(events![0]!.data.orderId)?.version).toBe(3);
    expect(recent.get('an-order-never-seen')).toBeUndefined();
  });

  it('still has the batch remembered last when that batch fills a generation', () => {
    const older = orders(3);
    const last = orders(5);
    const recent = new RecentOrderViews(4);
    recent.remember(older.map((events) => rowAt(events, 1)));
    recent.remember(last.map((events) => rowAt(events, 2)));
    for (const events of last) expect(recent.get(events[0]!.data.orderId)?.version).toBe(2);
  });

  it('keeps the newer row of an order when its older row sits in the previous generation', () => {
    const [events, ...others] = orders(4);
    const recent = new RecentOrderViews(2);
    recent.remember([rowAt(events!, 1), rowAt(others[0]!, 1)]);
    recent.remember([rowAt(events!, 2)]);
    expect(recent.get(events![0]!.data.orderId)?.version).toBe(2);
  });

  it('forgets a generation two rotations later', () => {
    const [first, second, third] = orders(3);
    const recent = new RecentOrderViews(1);
    recent.remember([rowAt(first!, 1)]);
    recent.remember([rowAt(second!, 1)]);
    expect(recent.get(first![0]!.data.orderId)).toBeUndefined();
    expect(recent.get(second![0]!.data.orderId)?.version).toBe(1);
    recent.remember([rowAt(third!, 1)]);
    expect(recent.get(second![0]!.data.orderId)).toBeUndefined();
  });
});
