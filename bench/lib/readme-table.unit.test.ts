import { describe, expect, it } from 'vitest';
import { readmeTable, TABLE_END, TABLE_START, withReadmeTable } from './readme-table';
import type { BenchReport } from './report';
import type { ScenarioReport } from './scenario';

const scenario = (name: string, headlines: ScenarioReport['headlines'], command = 'pnpm bench'): ScenarioReport => ({
  name,
  title: name,
  rows: [],
  checks: [],
  notes: [],
  ...(headlines ? { headlines } : {}),
  status: 'ok',
  durationMs: 1,
  peakRssBytes: 1,
  run: { date: '2026-12-05T16:00:00.000Z', command, loadAverage: { start: 1, end: 1 } },
});

const report = (scenarios: ScenarioReport[]) => ({ command: 'pnpm bench', machine: { date: '2026-12-05T16:00:00.000Z' }, scenarios }) as unknown as BenchReport;

describe('the README benchmark table', () => {
  const table = readmeTable(
    report([
      scenario('append', [{ figure: 'appends/s', ours: '3,525', baseline: 'raw: 1,418', ratio: '2.49 ×', target: { text: '≥ 2.5 ×', met: false } }]),
      scenario('replay', undefined),
      scenario(
        'pipeline',
        [
          { figure: 'p99 | read model', ours: '80 ms', baseline: 'relay: 40 ms', target: { text: '< 100 ms', met: true } },
          { figure: 'scale-out', ours: '150', baseline: 'one of each: 100', ratio: '1.50 ×' },
        ],
        'BENCH_SCENARIOS=pipeline BENCH_MERGE=1 pnpm bench',
      ),
    ]),
  );
  const lines = table.split('\n');

  it('gives one row per headline, in the order the scenarios ran, under the header', () => {
    expect(lines.slice(2)).toEqual([
      '| figure | ours | baseline in the same run | ratio (target) |',
      '| --- | --- | --- | --- |',
      '| appends/s | 3,525 | raw: 1,418 | 2.49 × (≥ 2.5 ×) ✗ |',
      '| p99 \\| read model | 80 ms | relay: 40 ms | (< 100 ms) ✓ |',
      '| scale-out | 150 | one of each: 100 | 1.50 × |',
    ]);
  });

  it('says which runs and days the figures come from', () => {
    expect(lines[0]).toBe(
      '_Generated from `bench/results/latest.json` (`pnpm bench`, `BENCH_SCENARIOS=pipeline BENCH_MERGE=1 pnpm bench`; 2026-12-05); do not edit by hand._',
    );
  });

  it('replaces only what stands between the markers', () => {
    const readme = `# Title\n\nprose above\n${TABLE_START}\nold table\n${TABLE_END}\nprose below\n`;
    expect(withReadmeTable(readme, 'new table')).toBe(`# Title\n\nprose above\n${TABLE_START}\nnew table\n${TABLE_END}\nprose below\n`);
  });

  it('refuses a README without the markers', () => {
    expect(() => withReadmeTable('# Title\n', 'table')).toThrow(/markers/);
  });
});
