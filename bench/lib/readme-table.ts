import { type BenchReport, markdownTable } from './report';
import type { Headline } from './scenario';

export const TABLE_START = '<!-- bench:table:start -->';
export const TABLE_END = '<!-- bench:table:end -->';

const targetCell = (headline: Headline) =>
  [headline.ratio, headline.target && `(${headline.target.text}) ${headline.target.met ? '✓' : '✗'}`].filter(Boolean).join(' ');

/**
 * The README's benchmark table from a results report: the headline figures of every scenario, in the
 * order they ran, each beside its baseline of the same run and its target, checked; a line above says
 * which runs it comes from.
 */
export function readmeTable(report: BenchReport): string {
  const runs = [...new Set(report.scenarios.map((scenario) => scenario.run?.command ?? report.command))];
  const dates = [...new Set(report.scenarios.map((scenario) => (scenario.run?.date ?? report.machine.date).slice(0, 10)))];
  const rows = report.scenarios.flatMap((scenario) =>
    (scenario.headlines ?? []).map((headline) => [headline.figure, headline.ours, headline.baseline, targetCell(headline)]),
  );
  return [
    `_Generated from \`bench/results/latest.json\` (${runs.map((run) => `\`${run}\``).join(', ')}; ${dates.join(', ')}); do not edit by hand._`,
    '',
    markdownTable(['figure', 'ours', 'baseline in the same run', 'ratio (target)'], rows),
  ].join('\n');
}

/** `readme` with what stands between the table's markers replaced by `table`. */
export function withReadmeTable(readme: string, table: string): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`the README has no ${TABLE_START} … ${TABLE_END} markers`);
  return `${readme.slice(0, start + TABLE_START.length)}\n${table}\n${readme.slice(end)}`;
}
