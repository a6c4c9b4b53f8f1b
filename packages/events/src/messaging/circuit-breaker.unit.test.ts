import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from './circuit-breaker';

const breaker = () => new CircuitBreaker('mysql', { baseCooldownMs: 100, maxCooldownMs: 350 });

describe('circuit breaker', () => {
  it('is closed until a failure, then open for the cool-down, then half-open', () => {
    const subject = breaker();
    expect(subject.stateAt(0)).toBe('closed');
    expect(subject.recordFailure(1_000)).toBe(true);
    expect(subject.stateAt(1_099)).toBe('open');
    expect(subject.stateAt(1_100)).toBe('half-open');
  });

  it('lets one trial through at a time, and only when half-open', () => {
    const subject = breaker();
    subject.recordFailure(0);
    expect(subject.startTrial(50)).toBe(false);
    expect(subject.startTrial(100)).toBe(true);
    expect(subject.startTrial(100)).toBe(false);
    subject.abandonTrial();
    expect(subject.startTrial(100)).toBe(true);
  });

  it('doubles the cool-down after each failed trial, up to the maximum', () => {
    const subject = breaker();
    subject.recordFailure(0);
    const reopenings: (number | null)[] = [];
    let now = 100;
    for (let trial = 0; trial < 4; trial++) {
      subject.startTrial(now);
      subject.recordFailure(now);
      reopenings.push(subject.reopensAt());
      now = subject.reopensAt() ?? now;
    }
    expect(reopenings).toEqual([300, 650, 1_000, 1_350]);
  });

  it('does not extend the cool-down for failures of calls already under way when it opened', () => {
    const subject = breaker();
    subject.recordFailure(0);
    expect(subject.recordFailure(50)).toBe(false);
    expect(subject.reopensAt()).toBe(100);
  });

  it('closes on success and starts again from the base cool-down', () => {
    const subject = breaker();
    subject.recordFailure(0);
    subject.startTrial(100);
    subject.recordFailure(100);
    expect(subject.recordSuccess()).toBe(true);
    expect(subject.stateAt(150)).toBe('closed');
    expect(subject.recordSuccess()).toBe(false);
    subject.recordFailure(1_000);
    expect(subject.reopensAt()).toBe(1_100);
  });
});
