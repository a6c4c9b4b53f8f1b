import { describe, expect, it } from 'vitest';
import { replicaHealthOf } from './read-model-reads';

describe('replicaHealthOf', () => {
  it('lets a replica within the lag bound take reads', () => {
    expect(replicaHealthOf({ replicating: true, lagSeconds: 0 }, 2)).toEqual({ state: 'ok', lagSeconds: 0 });
    expect(replicaHealthOf({ replicating: true, lagSeconds: 2 }, 2)).toEqual({ state: 'ok', lagSeconds: 2 });
  });

  it('sends reads to the primary while the replica is further behind than the bound', () => {
    expect(replicaHealthOf({ replicating: true, lagSeconds: 3 }, 2)).toEqual({ state: 'lagging', lagSeconds: 3 });
  });

  it('counts a replica that does not replicate, or does not know its lag, as down', () => {
    expect(replicaHealthOf({ replicating: false, lagSeconds: null }, 2)).toEqual({ state: 'down', lagSeconds: null });
    expect(replicaHealthOf({ replicating: true, lagSeconds: null }, 2)).toEqual({ state: 'down', lagSeconds: null });
  });
});
