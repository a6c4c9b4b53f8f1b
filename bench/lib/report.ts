import type { MachineInfo } from './machine';
import type { BenchRow, BenchSettings, ProcessRow, ScenarioReport } from './scenario';

export interface BenchReport {
  machine: MachineInfo;
  settings: BenchSettings;
  command: string;
  durationMs: number;
  /** Peak resident set size of the bench process over the whole run (kernel high-water mark). */
  maxRssBytes: number;
  /** 1-minute load average before and after the run: above the core count, something else competed for the CPU. */
  loadAverage: { start: number; end: number };
  scenarios: ScenarioReport[];
}

const ROW_HEADERS = ['subject', 'workload', 'conc.', 'rate', 'unit', 'p50 ms', 'p99 ms', 'n', 'errors', 'vs baseline', 'note'];
const SUMMARY_HEADERS = ['scenario', 'status', 'time s', 'bench peak RSS MiB', 'detail'];
const CHECK_HEADERS = ['target', 'measured', 'met'];
const PROCESS_HEADERS = [
  'process',
  'phase',
  'RSS at start MiB',
  'peak RSS under load MiB',
  'lifetime peak (VmHWM) MiB',
  'esbuild helper MiB',
  'CPU cores',
  'note',
];

export const integer = (value: number) => Math.round(value).toLocaleString('en-US');
const millis = (value: number | undefined) => (value === undefined || Number.isNaN(value) ? '' : value < 10 ? value.toFixed(2) : value.toFixed(1));
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);

function rowCells(row: BenchRow): string[] {
  return [
    row.subject,
    row.workload,
    row.concurrency === undefined ? '' : String(row.concurrency),
    row.rate === null ? 'n/a' : integer(row.rate),
    row.unit,
    millis(row.p50Ms),
    millis(row.p99Ms),
    integer(row.count),
    row.errors === undefined ? '' : String(row.errors),
    row.ratio ? `${row.ratio.value.toFixed(2)} × (${row.ratio.against})` : '',
    row.note ?? '',
  ];
}

const processCells = (row: ProcessRow): string[] => [
  row.process,
  row.phase,
  mib(row.startRssBytes),
  mib(row.peakRssBytes),
  mib(row.lifetimePeakBytes),
  mib(row.helperPeakBytes),
  row.cpuCores.toFixed(2),
  row.note ?? '',
];

const summaryCells = (scenario: ScenarioReport): string[] => [
  scenario.name,
  scenario.status,
  (scenario.durationMs / 1000).toFixed(1),
  mib(scenario.peakRssBytes),
  scenario.error ?? '',
];

/** Every target of the run: the headlines' (issue 16), then the other checks, scenario by scenario. */
const checkCells = (scenarios: readonly ScenarioReport[]): string[][] =>
  scenarios.flatMap((scenario) => [
    ...(scenario.headlines ?? []).flatMap(({ figure, ours, ratio, baseline, target }) =>
      target ? [[`${figure} ${target.text}`, `${ours}${ratio ? ` (${ratio})` : ''}; ${baseline}`, target.met ? 'yes' : 'NO']] : [],
    ),
    ...scenario.checks.map((check) => [check.target, check.actual, check.met ? 'yes' : 'NO']),
  ]);

/** A fixed-width table for the terminal. */
export function textTable(headers: readonly string[], rows: readonly string[][]): string {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(headers), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

export function markdownTable(headers: readonly string[], rows: readonly string[][]): string {
  const escape = (cell: string) => cell.replaceAll('|', '\\|');
  const line = (cells: readonly string[]) => `| ${cells.map(escape).join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

export function renderText(report: BenchReport): string {
  const parts: string[] = [];
  for (const scenario of report.scenarios) {
    parts.push(`\n== ${scenario.title} [${scenario.status}]`);
    if (scenario.rows.length > 0) parts.push(textTable(ROW_HEADERS, scenario.rows.map(rowCells)));
    if (scenario.processes && scenario.processes.length > 0) parts.push('', textTable(PROCESS_HEADERS, scenario.processes.map(processCells)));
    if (scenario.error) parts.push(`  ${scenario.status}: ${scenario.error}`);
  }
  parts.push('\n== Scenarios', textTable(SUMMARY_HEADERS, report.scenarios.map(summaryCells)));
  const checks = checkCells(report.scenarios);
  if (checks.length > 0) parts.push('\n== Targets', textTable(CHECK_HEADERS, checks));
  parts.push(
    `\nbench process peak RSS ${mib(report.maxRssBytes)} MiB; total ${(report.durationMs / 1000).toFixed(0)} s; ` +
      `load average ${report.loadAverage.start.toFixed(1)} -> ${report.loadAverage.end.toFixed(1)}`,
  );
  return `${parts.join('\n')}\n`;
}

export function renderMarkdown(report: BenchReport): string {
  const { machine } = report;
  const runs = [...new Set(report.scenarios.map((scenario) => scenario.run?.command ?? report.command))];
  const parts = [
    `# Benchmark results${report.settings.quick ? ' (quick smoke run: short measurements, small replay)' : ''}`,
    '',
    runs.length > 1
      ? `Measured in ${runs.length} runs on the same machine (${runs.map((run) => `\`${run}\``).join(', ')}); each scenario below says when, ` +
        `with which command and under which load average it ran. Ratios compare figures of the same run only.`
      : `Measured ${machine.date} with \`${report.command}\` in ${(report.durationMs / 1000).toFixed(0)} s.`,
    '',
    `- Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB memory, ${machine.os}`,
    `- Node ${machine.node}; MariaDB ${machine.mariadb}; PostgreSQL ${machine.postgres}`,
    `- Durability: ${machine.durability}`,
    runs.length > 1
      ? `- 1-minute load average: per scenario below (${machine.cores} cores; above that, other processes competed with the run)`
      : `- 1-minute load average: ${report.loadAverage.start.toFixed(1)} at the start, ${report.loadAverage.end.toFixed(1)} at the end ` +
        `(${machine.cores} cores; above that, other processes competed with the run)`,
    `- Each closed-loop measurement: ${report.settings.warmupMs / 1000} s warm-up, then ${report.settings.measureMs / 1000} s measured. ` +
      'The bench process, the databases and the load share the same cores.',
  ];
  for (const scenario of report.scenarios) {
    parts.push('', `## ${scenario.title}`, '');
    if (scenario.run) {
      parts.push(
        `_Measured ${scenario.run.date} with \`${scenario.run.command}\`; 1-minute load average ${scenario.run.loadAverage.start.toFixed(1)} ` +
          `at its start, ${scenario.run.loadAverage.end.toFixed(1)} at its end (${machine.cores} cores)._`,
        '',
      );
    }
    if (scenario.rows.length > 0) parts.push(markdownTable(ROW_HEADERS, scenario.rows.map(rowCells)), '');
    if (scenario.processes && scenario.processes.length > 0) {
      parts.push(
        'Processes of the system, each a child of the bench measured by its pid (/proc/<pid>/status):',
        '',
        markdownTable(PROCESS_HEADERS, scenario.processes.map(processCells)),
        '',
      );
    }
    if (scenario.error) parts.push(`**${scenario.status}:** ${scenario.error}`, '');
    for (const note of scenario.notes) parts.push(`- ${note}`);
  }
  parts.push(
    '',
    '## Scenarios',
    '',
    "Peak RSS is the bench process's while each scenario ran (sampled every 50 ms). The API and the workers run as child processes of " +
      "their real entry points in the api, pipeline and runtime scenarios (their memory is in those scenarios' process tables, not here); " +
      'load generators run in child processes too.',
    '',
    markdownTable(SUMMARY_HEADERS, report.scenarios.map(summaryCells)),
  );
  const checks = checkCells(report.scenarios);
  if (checks.length > 0) parts.push('', '## Targets', '', markdownTable(CHECK_HEADERS, checks));
  parts.push('', `Bench process peak RSS over the run: ${mib(report.maxRssBytes)} MiB.`, '');
  return parts.join('\n');
}
