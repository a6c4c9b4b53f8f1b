import diagnostics from 'node:diagnostics_channel';
import { renameSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import path from 'node:path';
import { allStatementSnapshots, installStatementTrace, resetStatementTrace } from './statement-trace';

/*
 * Loaded with `node --import tsx --import <this file>` into a process of the system that the bench starts
 * for its diagnostic pass (never into a measured one), with BENCH_TRACE_DIR set. It traces the process's
 * statements by database, and on SIGUSR2 (sent by the bench to the pid it started, and nothing else):
 * - writes the statements traced since the previous SIGUSR2, and the HTTP requests it received meanwhile,
 *   to <dir>/statements.json, and starts afresh;
 * - starts a CPU profile of this thread, or, if one is running, stops it into <dir>/window.cpuprofile.
 * So two signals around a load give the statements and the profile of exactly that load.
 */

const dir = process.env.BENCH_TRACE_DIR;
if (dir) {
  installStatementTrace();
  // Requests received, not responses finished: autocannon stops with requests in flight, whose answers
  // then never finish, but whose statements were sent all the same.
  let requests = 0;
  diagnostics.subscribe('http.server.request.start', () => {
    requests++;
  });
  const session = new Session();
  session.connect();
  let profiling = false;
  const writeWhole = (file: string, text: string) => {
    writeFileSync(`${file}.tmp`, text);
    renameSync(`${file}.tmp`, file);
  };
  process.on('SIGUSR2', () => {
    writeWhole(path.join(dir, 'statements.json'), JSON.stringify({ requests, databases: allStatementSnapshots() }));
    resetStatementTrace();
    requests = 0;
    if (!profiling) {
      profiling = true;
      session.post('Profiler.enable', () => session.post('Profiler.start'));
      return;
    }
    profiling = false;
    session.post('Profiler.stop', (error, result) => {
      writeWhole(path.join(dir, 'window.cpuprofile'), error ? JSON.stringify({ error: error.message }) : JSON.stringify(result.profile));
    });
  });
}
