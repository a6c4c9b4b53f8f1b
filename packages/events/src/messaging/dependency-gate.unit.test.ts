import { describe, expect, it } from 'vitest';
import { silentLogger } from '../shared/logger';
import { DependencyGate, MAX_AUTO_REDRIVES, type GatePermit } from './dependency-gate';

/** A gate on a clock the test moves by hand; its timers are real but only matter once the clock has moved. */
function gateOnManualClock(redrives: string[][] = []) {
  let now = 1_000;
  const gate = new DependencyGate({
    logger: silentLogger,
    now: () => now,
    baseCooldownMs: 100,
    maxCooldownMs: 1_000,
    redriveParked: (_, ids) => redrives.push([...ids]),
  });
  return { gate, advance: (ms: number) => (now += ms), at: () => now };
}

const never = new AbortController().signal;
const far = Number.MAX_SAFE_INTEGER;

describe('dependency gate', () => {
  it('lets every delivery through while all breakers are closed', async () => {
    const { gate } = gateOnManualClock();
    await expect(gate.enter({ held: false, signal: never, deadline: far })).resolves.toEqual({ kind: 'free' });
  });

  it('holds deliveries while a dependency is down, then lets one trial through, preferring a held one', async () => {
    const { gate, advance } = gateOnManualClock();
    gate.failed({ kind: 'free' }, 'mysql');
    expect(gate.openDependencies()).toEqual(['mysql']);
    const order: string[] = [];
    const fresh = gate.enter({ held: false, signal: never, deadline: far }).then((permit) => (order.push('fresh'), permit));
    const held = gate.enter({ held: true, signal: never, deadline: far }).then((permit) => (order.push('held'), permit));
    advance(100);
    const trial = (await held) as GatePermit;
    expect(trial.kind).toBe('trial');
    expect(order).toEqual(['held']);
    gate.succeeded(trial);
    await expect(fresh).resolves.toEqual({ kind: 'free' });
    expect(gate.openDependencies()).toEqual([]);
  });

  it('keeps waiting when the trial fails, and tries again after a longer cool-down', async () => {
    const { gate, advance } = gateOnManualClock();
    gate.failed({ kind: 'free' }, 'smtp');
    const first = gate.enter({ held: true, signal: never, deadline: far });
    const second = gate.enter({ held: true, signal: never, deadline: far });
    advance(100);
    const trial = (await first) as GatePermit;
    gate.failed(trial, 'smtp');
    expect(gate.waiting()).toBe(1);
    advance(199);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(gate.waiting()).toBe(1);
    advance(1);
    await expect(second).resolves.toMatchObject({ kind: 'trial' });
  });

  it('gives up at the deadline and when stopped', async () => {
    const { gate, at } = gateOnManualClock();
    gate.failed({ kind: 'free' }, 'api');
    await expect(gate.enter({ held: true, signal: never, deadline: at() })).resolves.toBe('expired');
    const stop = new AbortController();
    const waiting = gate.enter({ held: true, signal: stop.signal, deadline: far });
    stop.abort();
    await expect(waiting).resolves.toBe('stopped');
    expect(gate.waiting()).toBe(0);
  });

  it('puts back what an outage parked once the dependency is back, a bounded number of times', async () => {
    const redrives: string[][] = [];
    const { gate, advance } = gateOnManualClock(redrives);
    for (let round = 0; round < MAX_AUTO_REDRIVES; round++) {
      expect(gate.noteParked('m1', 'mysql')).toBe(true);
      advance(1_000);
      const trial = (await gate.enter({ held: false, signal: never, deadline: far })) as GatePermit;
      gate.succeeded(trial);
    }
    expect(redrives).toEqual([['m1'], ['m1'], ['m1']]);
    expect(gate.noteParked('m1', 'mysql')).toBe(false);
    expect(gate.pendingRedrives()).toBe(0);
  });

  it('puts back parked messages as the trial when nothing else is waiting', async () => {
    const redrives: string[][] = [];
    const { gate, advance } = gateOnManualClock(redrives);
    gate.noteParked('m2', 'postgres');
    advance(100);
    await expect.poll(() => redrives).toEqual([['m2']]);
  });
});
