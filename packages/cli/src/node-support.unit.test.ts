import { describe, expect, it } from 'vitest';
import { nodeSupportWarning } from './node-support';

describe('nodeSupportWarning', () => {
  it('says nothing on a supported LTS line', () => {
    expect(nodeSupportWarning('22.12.0')).toBeNull();
    expect(nodeSupportWarning('24.22.3')).toBeNull();
  });

  it('names Node 20 as past its end of life, and an untested newer line as such', () => {
    expect(nodeSupportWarning('20.20.2')).toBe('Node 20.20.2 is past its end of life: it runs, but use Node 22 or 24 LTS');
    expect(nodeSupportWarning('26.1.0')).toBe('Node 26.1.0 is not yet a tested line: the supported ones are Node 22 or 24 LTS');
  });
});
