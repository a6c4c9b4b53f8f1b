import { describe, expect, it } from 'vitest';
import { groupAcks } from './channel-settlement';

describe('grouping acks of one channel', () => {
  it('acks everything up to the last tag at once when nothing else is unsettled', () => {
    expect(groupAcks([4, 5, 6, 7], [4, 5, 6, 7])).toEqual({ upTo: 7, single: [] });
  });

  it('never reaches past a delivery still being handled: the acks after it go one by one', () => {
    expect(groupAcks([1, 2, 3, 5, 6], [1, 2, 5, 6])).toEqual({ upTo: 2, single: [5, 6] });
  });

  it('acks one by one when the earliest unsettled delivery is not among them', () => {
    expect(groupAcks([1, 2, 3], [2, 3])).toEqual({ upTo: null, single: [2, 3] });
  });

  it('acks a lone delivery on its own', () => {
    expect(groupAcks([9], [9])).toEqual({ upTo: null, single: [9] });
  });

  it('ignores deliveries settled before (a nack already written)', () => {
    expect(groupAcks([8, 10], [8, 10])).toEqual({ upTo: 10, single: [] });
  });
});
