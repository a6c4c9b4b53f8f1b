import { performance } from 'node:perf_hooks';
import { createMysqlDb, createMysqlEventStore, type EventStore, migrateEventStore } from '@delivery/events';
import { REPLAY_DEFAULT_BATCH_SIZE, REPLAY_PAGE_SIZE, migrateProjections, replayOrderView } from '@delivery/projections';
import { type Kysely, sql } from 'kysely';
import { generateOrderHistory, type ScanResult, scanEventsInPages, scanEventsStreaming } from '../lib/events-table.repository';
import { cpuWindow, type CpuWindowResult } from '../lib/process-stats';
import { integer } from '../lib/report';
import type { BenchRow, Scenario } from '../lib/scenario';

// replayOrderView's page size, so the page scans read what it reads; the replay runs with its default batch.
const PAGE_SIZE = REPLAY_PAGE_SIZE;
const TARGET_RATE = 100_000;
const TARGET_RATIO = 0.5;
const BASELINE = 'raw SELECT scan (stream)';

/** Rebuilding the read model from the whole store, against reading the same table as fast as the client can. */
export const replayScenario: Scenario = {
  name: 'replay',
  title: 'Replay: rebuilding the read model vs raw scans of the events table',
  async run({ settings, databases, log, defer }) {
    const database = await databases.mysql();
    const db = createMysqlDb(database.url, { poolSize: 4 });
    defer(() => db.destroy());
    await migrateEventStore(db);
    await migrateProjections(db);
    log(`replay: generating ${settings.replayEvents.toLocaleString('en-US')} events`);
    const generated = await generateOrderHistory(database.url, settings.replayEvents, settings.generateBudgetMs);
    const workload = `${generated.events.toLocaleString('en-US')} events`;
    const budget = settings.replayBudgetMs;
    const store = createMysqlEventStore({ db });

    log('replay: raw streaming scan');
    const scan = await withCpu(() => scanEventsStreaming(database.url, budget));
    log('replay: raw keyset pages');
    const pages = await withCpu(() => scanEventsInPages(database.url, PAGE_SIZE, budget));
    log('replay: store.readAll pages');
    const readAll = await withCpu(() => timeReadAllPages(store, budget));
    log('replay: store.streamAll');
    const streamAll = await withCpu(() => timeStreamAll(store, budget));
    log('replay: replayOrderView');
    const replay = await withCpu(() => timeReplay(db, store, budget));

    const scanRate = perSecond(scan);
    const row = (subject: string, result: MeasuredScan, note?: string): BenchRow => {
      const rate = perSecond(result);
      const stopped = result.complete ? [] : [`stopped by the ${budget / 1000} s budget`];
      const notes = [...(note ? [note] : []), cpuPerEvent(result), ...stopped];
      return {
        subject,
        workload,
        rate,
        unit: 'events/s',
        count: result.rows,
        ...(subject === BASELINE ? {} : { ratio: { value: rate / scanRate, against: BASELINE } }),
        ...(notes.length > 0 ? { note: notes.join('; ') } : {}),
      };
    };
    const viewRows = replay.complete ? await countRows(db, 'order_view') : undefined;
    const replayRate = perSecond(replay);
    return {
      rows: [
        row(BASELINE, scan, 'one query, rows not decoded further'),
        row(`raw keyset pages of ${PAGE_SIZE}`, pages, 'what readAll runs, without JSON decoding'),
        row(`store.readAll pages of ${PAGE_SIZE}`, readAll, 'JSON decoded, no projection'),
        row(`store.streamAll chunks of ${PAGE_SIZE}`, streamAll, 'what the replay reads: JSON decoded, no projection'),
        row(
          'replayOrderView',
          replay,
          viewRows === undefined
            ? `batch ${REPLAY_DEFAULT_BATCH_SIZE}`
            : `batch ${REPLAY_DEFAULT_BATCH_SIZE}; ${viewRows.toLocaleString('en-US')} read-model rows for ${generated.orders.toLocaleString('en-US')} orders`,
        ),
      ],
      headlines: [
        {
          figure: `replay, ${workload}`,
          ours: `${integer(replayRate)} events/s`,
          baseline: `${BASELINE}: ${integer(scanRate)}`,
          ratio: `${(replayRate / scanRate).toFixed(2)} ×`,
          target: {
            text: `≥ ${TARGET_RATIO} ×, ≥ ${integer(TARGET_RATE)}/s`,
            met: replayRate / scanRate >= TARGET_RATIO && replayRate >= TARGET_RATE,
          },
        },
      ],
      notes: [
        `History generated with multi-row inserts in ${(generated.elapsedMs / 1000).toFixed(1)} s: ${generated.orders.toLocaleString('en-US')} orders, ` +
          `${generated.events.toLocaleString('en-US')} events (1-3 per order), no outbox rows` +
          (generated.complete ? '.' : ` (generation budget of ${settings.generateBudgetMs / 1000} s reached).`),
        'The five reads run one after the other on the same table; each is stopped at the budget and rated on what it read.',
      ],
    };
  },
};

class BudgetReached extends Error {}

interface MeasuredScan extends ScanResult {
  cpu: CpuWindowResult;
}

/** The CPU each side used while `read` ran: the wall rate alone hides what other work on the machine took. */
async function withCpu(read: () => Promise<ScanResult>): Promise<MeasuredScan> {
  const window = cpuWindow({});
  const result = await read();
  return { ...result, cpu: window.stop() };
}

function cpuPerEvent({ cpu, rows }: MeasuredScan): string {
  const perEvent = (name: string) => ((cpu.shares.find((share) => share.name === name)?.cpuMs ?? 0) * 1000) / Math.max(rows, 1);
  return `CPU per event: Node ${perEvent('bench process').toFixed(2)} µs, MariaDB ${perEvent('MariaDB').toFixed(2)} µs`;
}

async function timeReplay<DB>(db: Kysely<DB>, store: EventStore, budgetMs: number): Promise<ScanResult> {
  const started = performance.now();
  let rows = 0;
  try {
    const result = await replayOrderView({
      db,
      store,
      onProgress: (progress) => {
        rows = progress.processed;
        if (performance.now() - started > budgetMs) throw new BudgetReached();
      },
    });
    return { rows: result.processed, elapsedMs: performance.now() - started, complete: true };
  } catch (error) {
    if (!(error instanceof BudgetReached)) throw error;
    return { rows, elapsedMs: performance.now() - started, complete: false };
  }
}

async function timeReadAllPages(store: EventStore, budgetMs: number): Promise<ScanResult> {
  const started = performance.now();
  let rows = 0;
  let position = 0n;
  for (;;) {
    if (performance.now() - started > budgetMs) return { rows, elapsedMs: performance.now() - started, complete: false };
    const page = await store.readAll(position, PAGE_SIZE);
    if (page.events.length === 0) return { rows, elapsedMs: performance.now() - started, complete: true };
    rows += page.events.length;
    position = page.nextPosition;
  }
}

async function timeStreamAll(store: EventStore, budgetMs: number): Promise<ScanResult> {
  const started = performance.now();
  let rows = 0;
  for await (const chunk of store.streamAll(0n, PAGE_SIZE)) {
    rows += chunk.events.length;
    if (performance.now() - started > budgetMs) return { rows, elapsedMs: performance.now() - started, complete: false };
  }
  return { rows, elapsedMs: performance.now() - started, complete: true };
}

async function countRows<DB>(db: Kysely<DB>, table: string): Promise<number> {
  const { rows } = await sql<{ n: string }>`select count(*) as n from ${sql.table(table)}`.execute(db);
  return Number(rows[0]?.n ?? 0);
}

const perSecond = (result: ScanResult) => result.rows / (result.elapsedMs / 1000);
