import type { Logger } from '../shared/logger';
import { CircuitBreaker, type CircuitBreakerOptions } from './circuit-breaker';

/** Leave to run a handler: free while every breaker is closed, or the one trial of a half-open breaker. */
export type GatePermit = { kind: 'free' } | { kind: 'trial'; breaker: CircuitBreaker };

/** Why `enter` let go without a permit: the consumer stops, or the delivery's hold ran out. */
export type GateRefusal = 'stopped' | 'expired';

interface Waiter {
  /** Held after a dependency failure of its own: preferred for trials, since it surely needs the dependency. */
  held: boolean;
  resolve(result: GatePermit | GateRefusal): void;
}

export interface DependencyGateOptions extends Partial<CircuitBreakerOptions> {
  logger: Logger;
  now?: () => number;
  /**
   * Asked to put back messages parked while `dependency` was down, once it may be back (its breaker closed,
   * or cooled down with nothing else to try it with); they then run as its trial.
   */
  redriveParked?: (dependency: string, messageIds: readonly string[]) => void;
}

/** How often one message is put back by itself after a dependency outage parked it; then it waits for an operator. */
export const MAX_AUTO_REDRIVES = 3;
/** Parked messages remembered for an automatic redrive; beyond that they wait for an operator. */
const MAX_REMEMBERED_PARKED = 10_000;

/**
 * The breakers of one consumer, one per dependency, and the deliveries waiting on them: while a breaker is
 * open no handler runs (consumption pauses, deliveries stay unacked and spend nothing of their delivery
 * limit); once it cools down one waiting delivery runs as the trial, whose success lets every other go.
 * @example
 * const permit = await gate.enter({ held: false, signal, deadline });
 * try { await handler(); gate.succeeded(permit); } catch (e) { gate.failed(permit, dependencyFailureOf(e)?.dependency); }
 */
export class DependencyGate {
  private readonly breakers = new Map<string, CircuitBreaker>();
  private readonly waiters: Waiter[] = [];
  /** Messages parked while their dependency was down: how often each was put back, and whether it waits to be. */
  private readonly parked = new Map<string, { dependency: string; redrives: number; pending: boolean }>();
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;
  private readonly cooldown: CircuitBreakerOptions;

  constructor(private readonly options: DependencyGateOptions) {
    this.now = options.now ?? Date.now;
    this.cooldown = { baseCooldownMs: options.baseCooldownMs ?? 500, maxCooldownMs: options.maxCooldownMs ?? 10_000 };
  }

  /** The dependencies whose breaker is not closed now. */
  openDependencies(): string[] {
    const now = this.now();
    return [...this.breakers.values()].filter((breaker) => breaker.stateAt(now) !== 'closed').map((breaker) => breaker.dependency);
  }

  /** Deliveries waiting for a breaker now. */
  waiting(): number {
    return this.waiters.length;
  }

  /**
   * Resolves with a permit once the handler may run, or with why not: `stopped` when `signal` aborts,
   * `expired` at `deadline` (so a delivery is never held past the broker's consumer timeout).
   */
  enter(request: { held: boolean; signal: AbortSignal; deadline: number }): Promise<GatePermit | GateRefusal> {
    if (request.signal.aborted) return Promise.resolve('stopped');
    if (this.openDependencies().length === 0) return Promise.resolve({ kind: 'free' });
    return new Promise((resolve) => {
      // setTimeout takes at most 2^31-1 ms (a longer wait fires at once).
      const expiry = setTimeout(() => finish('expired'), Math.min(2 ** 31 - 1, Math.max(0, request.deadline - this.now())));
      const onAbort = () => finish('stopped');
      const waiter: Waiter = { held: request.held, resolve: (result) => finish(result) };
      const finish = (result: GatePermit | GateRefusal) => {
        clearTimeout(expiry);
        request.signal.removeEventListener('abort', onAbort);
        const index = this.waiters.indexOf(waiter);
        if (index !== -1) this.waiters.splice(index, 1);
        resolve(result);
      };
      request.signal.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
      this.pump();
    });
  }

  /** The handler ran without a dependency failure: a trial's breaker closes. */
  succeeded(permit: GatePermit): void {
    if (permit.kind !== 'trial') return;
    const { dependency } = permit.breaker;
    if (permit.breaker.recordSuccess()) this.options.logger.info({ dependency }, 'dependency is back; resuming');
    this.redrivePending(dependency, Infinity);
    this.pump();
  }

  /**
   * A message ran out of deliveries while `dependency` was down and is being parked: it is put back by
   * itself once the dependency may be back, at most `MAX_AUTO_REDRIVES` times. False when it is left to an operator.
   */
  noteParked(messageId: string, dependency: string): boolean {
    const known = this.parked.get(messageId) ?? { dependency, redrives: 0, pending: false };
    if (known.redrives >= MAX_AUTO_REDRIVES || (!this.parked.has(messageId) && this.parked.size >= MAX_REMEMBERED_PARKED)) {
      this.options.logger.error({ messageId, dependency, redrives: known.redrives }, 'parked during an outage too often; left for an operator');
      return false;
    }
    this.parked.set(messageId, { ...known, dependency, pending: true });
    this.breakerOf(dependency).recordFailure(this.now());
    this.pump();
    return true;
  }

  /** Messages parked during an outage that wait to be put back. */
  pendingRedrives(): number {
    return [...this.parked.values()].filter((entry) => entry.pending).length;
  }

  /** Puts back up to `limit` of the messages parked while `dependency` was down. */
  private redrivePending(dependency: string, limit: number): void {
    const ids: string[] = [];
    for (const [messageId, entry] of this.parked) {
      if (ids.length >= limit) break;
      if (entry.dependency !== dependency || !entry.pending) continue;
      entry.pending = false;
      entry.redrives++;
      ids.push(messageId);
    }
    if (ids.length > 0) this.options.redriveParked?.(dependency, ids);
  }

  /** The handler failed because `dependency` is down: its breaker opens (again). */
  failed(permit: GatePermit, dependency: string): void {
    if (permit.kind === 'trial' && permit.breaker.dependency !== dependency) permit.breaker.abandonTrial();
    const breaker = this.breakerOf(dependency);
    if (breaker.recordFailure(this.now())) {
      this.options.logger.warn({ dependency }, 'dependency is down; pausing this consumer until it answers again');
    }
    this.pump();
  }

  /** A permit that will not be reported on (the delivery gave up): its trial may go to another. */
  release(permit: GatePermit): void {
    if (permit.kind === 'trial') permit.breaker.abandonTrial();
    this.pump();
  }

  private breakerOf(dependency: string): CircuitBreaker {
    let breaker = this.breakers.get(dependency);
    if (!breaker) {
      breaker = new CircuitBreaker(dependency, this.cooldown);
      this.breakers.set(dependency, breaker);
    }
    return breaker;
  }

  /** Lets waiters through as the breakers allow, and wakes up when the next one cools down. */
  private pump(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const now = this.now();
    const notClosed = [...this.breakers.values()].filter((breaker) => breaker.stateAt(now) !== 'closed');
    if (notClosed.length === 0) {
      for (const waiter of [...this.waiters]) waiter.resolve({ kind: 'free' });
      return;
    }
    let wakeAt = Infinity;
    for (const breaker of notClosed) {
      if (breaker.trialRunning()) continue;
      if (breaker.stateAt(now) === 'open') {
        wakeAt = Math.min(wakeAt, breaker.reopensAt() ?? Infinity);
        continue;
      }
      const waiter = this.waiters.find((candidate) => candidate.held) ?? this.waiters[0];
      if (waiter && breaker.startTrial(now)) waiter.resolve({ kind: 'trial', breaker });
      // Nothing here to try the dependency with: one message it parked is the trial; the rest follow its success.
      else if (!waiter) this.redrivePending(breaker.dependency, 1);
    }
    if (wakeAt !== Infinity && (this.waiters.length > 0 || this.pendingRedrives() > 0)) {
      this.timer = setTimeout(() => this.pump(), Math.max(0, wakeAt - now));
      this.timer.unref();
    }
  }
}
