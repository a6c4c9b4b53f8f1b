import type { BenchReport } from './report';
import type { ScenarioReport } from './scenario';

/**
 * The published report with the scenarios of `fresh` that ran to the end put in place of theirs, in the
 * registry's order. Each scenario keeps when and how it was measured (`run`), taken from its own report
 * for older results that predate the field; the machine and settings are the fresh run's (the same
 * machine, the same defaults), the duration and peak memory the larger of the two.
 * @example const merged = mergeIntoPublished(published, fresh, scenarios.map((s) => s.name));
 */
export function mergeIntoPublished(published: BenchReport, fresh: BenchReport, order: readonly string[]): BenchReport {
  const withRun = (report: BenchReport, scenario: ScenarioReport): ScenarioReport =>
    scenario.run ? scenario : { ...scenario, run: { date: report.machine.date, command: report.command, loadAverage: report.loadAverage } };
  const byName = new Map<string, ScenarioReport>();
  for (const scenario of published.scenarios) byName.set(scenario.name, withRun(published, scenario));
  for (const scenario of fresh.scenarios) if (scenario.status === 'ok') byName.set(scenario.name, withRun(fresh, scenario));
  const scenarios = [...order.flatMap((name) => byName.get(name) ?? []), ...[...byName.values()].filter((scenario) => !order.includes(scenario.name))];
  return {
    ...fresh,
    command: [...new Set(scenarios.map((scenario) => scenario.run?.command ?? fresh.command))].join('; '),
    durationMs: scenarios.reduce((sum, scenario) => sum + scenario.durationMs, 0),
    maxRssBytes: Math.max(published.maxRssBytes, fresh.maxRssBytes),
    scenarios,
  };
}
