import { describe, expect, it } from 'vitest';
import { readableLogLine } from './readable-log';

describe('readable log line', () => {
  it('shows time, process, level, message and the remaining fields', () => {
    const line = JSON.stringify({ level: 40, time: '2026-11-27T10:11:12.000Z', name: 'relay', msg: 'retrying', attempt: 2 });
    expect(readableLogLine('relay', line, { color: false, index: 0 })).toBe('10:11:12 relay      WARN  retrying attempt=2');
  });
  it('does not repeat the component the label already names, but shows any other', () => {
    const line = JSON.stringify({ level: 30, time: '2026-11-27T10:11:12.000Z', name: 'embedded', component: 'email', msg: 'sent', to: 'a@b.c' });
    expect(readableLogLine('email', line, { color: false, index: 0 })).toBe('10:11:12 email      INFO  sent to=a@b.c');
    expect(readableLogLine('api', line, { color: false, index: 0 })).toBe('10:11:12 api        INFO  sent component=email to=a@b.c');
  });
  it('passes a line that is not JSON through', () => {
    expect(readableLogLine('api', 'plain text', { color: false, index: 0 })).toBe('api        plain text');
  });
});
