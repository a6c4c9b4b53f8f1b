import { renameSync, writeFileSync } from 'node:fs';
import { allStatementSnapshots, installStatementTrace, resetStatementTrace } from './statement-trace';

/*
 * Loaded with `node --import tsx --import <this file>` into a process of the system the bench started
 * for its diagnostic pass (never into a measured one): traces the process's statements by database and,
 * on SIGUSR2, writes what it traced since the last SIGUSR2 to BENCH_STATEMENT_TRACE_FILE (whole, by
 * rename) and starts counting afresh. The bench sends the signal to the pid it started, and nothing else.
 */

const file = process.env.BENCH_STATEMENT_TRACE_FILE;
if (file) {
  installStatementTrace();
  process.on('SIGUSR2', () => {
    const snapshot = allStatementSnapshots();
    resetStatementTrace();
    writeFileSync(`${file}.tmp`, JSON.stringify(snapshot));
    renameSync(`${file}.tmp`, file);
  });
}
