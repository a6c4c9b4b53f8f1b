import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { handleProcessLifecycle, type LifecycleProcess } from './process-lifecycle';

/** A process whose signals the test sends and whose exit it records. */
function fakeProcess() {
  const emitter = new EventEmitter();
  const exits: number[] = [];
  let exited!: (code: number) => void;
  const firstExit = new Promise<number>((resolve) => (exited = resolve));
  const proc: LifecycleProcess & { emit(event: string, value: unknown): void } = {
    on: (event: string, listener: (value: NodeJS.Signals & Error) => void) => emitter.on(event, listener),
    emit: (event, value) => emitter.emit(event, value),
    exit(code) {
      exits.push(code);
      exited(code);
    },
  };
  return { proc, exits, firstExit };
}

const logger = () => ({ info: vi.fn(), warn: vi.fn(), error: vi.fn() });

describe('handleProcessLifecycle', () => {
  it('runs the stop on SIGTERM and exits 0 once it finished', async () => {
    const { proc, exits, firstExit } = fakeProcess();
    let stopped = false;
    handleProcessLifecycle({ logger: logger(), process: proc }).setStop(async () => {
      await new Promise((resolve) => setImmediate(resolve));
      stopped = true;
    });
    proc.emit('SIGTERM', 'SIGTERM');
    expect(exits).toEqual([]);
    expect(await firstExit).toBe(0);
    expect(stopped).toBe(true);
  });

  it('exits 0 at once when a signal comes before anything started', async () => {
    const { proc, firstExit } = fakeProcess();
    handleProcessLifecycle({ logger: logger(), process: proc });
    proc.emit('SIGINT', 'SIGINT');
    expect(await firstExit).toBe(0);
  });

  it('exits 1 when the stop outlasts its bound', async () => {
    const { proc, firstExit } = fakeProcess();
    const log = logger();
    handleProcessLifecycle({ logger: log, process: proc, stopTimeoutMs: 10 }).setStop(() => new Promise<void>(() => {}));
    proc.emit('SIGTERM', 'SIGTERM');
    expect(await firstExit).toBe(1);
    expect(log.error).toHaveBeenCalledWith({ timeoutMs: 10 }, 'stop timed out; exiting');
  });

  it('exits 1 when the stop fails, and at once on a second signal', async () => {
    const failing = fakeProcess();
    handleProcessLifecycle({ logger: logger(), process: failing.proc }).setStop(() => Promise.reject(new Error('broker gone')));
    failing.proc.emit('SIGTERM', 'SIGTERM');
    expect(await failing.firstExit).toBe(1);

    const impatient = fakeProcess();
    handleProcessLifecycle({ logger: logger(), process: impatient.proc }).setStop(() => new Promise<void>(() => {}));
    impatient.proc.emit('SIGINT', 'SIGINT');
    impatient.proc.emit('SIGINT', 'SIGINT');
    expect(impatient.exits).toEqual([1]);
  });

  it('logs an unhandled rejection and ends the process with 1', () => {
    const { proc, exits } = fakeProcess();
    const log = logger();
    handleProcessLifecycle({ logger: log, process: proc });
    const reason = new Error('nobody awaited me');
    proc.emit('unhandledRejection', reason);
    expect(log.error).toHaveBeenCalledWith({ err: reason }, 'unhandled rejection; exiting');
    expect(exits).toEqual([1]);
  });
});
