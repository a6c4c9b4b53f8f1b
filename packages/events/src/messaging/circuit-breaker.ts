import { backoffDelayMs } from '../shared/backoff';

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** How long the breaker stays open after the first failure; doubled at each failed trial. */
  baseCooldownMs: number;
  maxCooldownMs: number;
}

/**
 * One dependency's circuit breaker, as pure state over the times it is given: a failure opens it for a
 * cool-down; once that is over it is half-open and lets one trial through; the trial's success closes
 * it, its failure opens it again for twice as long (up to `maxCooldownMs`).
 * @example const breaker = new CircuitBreaker('mysql', { baseCooldownMs: 500, maxCooldownMs: 10_000 });
 * breaker.recordFailure(now); breaker.stateAt(now + 600); // 'half-open'
 */
export class CircuitBreaker {
  private failedTrials = 0;
  private opened = false;
  private openUntil = 0;
  private trial = false;

  constructor(
    readonly dependency: string,
    private readonly options: CircuitBreakerOptions,
  ) {}

  stateAt(now: number): BreakerState {
    if (!this.opened) return 'closed';
    return now >= this.openUntil ? 'half-open' : 'open';
  }

  /** When an open breaker turns half-open (ms since the epoch); null when closed. */
  reopensAt(): number | null {
    return this.opened ? this.openUntil : null;
  }

  /** Whether a trial is running now (only one at a time). */
  trialRunning(): boolean {
    return this.trial;
  }

  /** Takes the one trial of a half-open breaker; false when it is not half-open or a trial already runs. */
  startTrial(now: number): boolean {
    if (this.trial || this.stateAt(now) !== 'half-open') return false;
    this.trial = true;
    return true;
  }

  /** Opens (or keeps open) the breaker; true when it was closed until now. */
  recordFailure(now: number): boolean {
    const wasClosed = !this.opened;
    if (this.trial || wasClosed) {
      if (!wasClosed) this.failedTrials++;
      this.openUntil = now + backoffDelayMs({ initialMs: this.options.baseCooldownMs, maxMs: this.options.maxCooldownMs }, this.failedTrials);
    }
    this.opened = true;
    this.trial = false;
    return wasClosed;
  }

  /** A trial that ended with no word on this dependency: the next one may start at once. */
  abandonTrial(): void {
    this.trial = false;
  }

  /** Closes the breaker; true when it was open until now. */
  recordSuccess(): boolean {
    const wasOpen = this.opened;
    this.opened = false;
    this.trial = false;
    this.failedTrials = 0;
    return wasOpen;
  }
}
