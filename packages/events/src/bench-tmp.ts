import { randomUUID } from 'node:crypto';
import { createPostgresEventStore, createPostgresEventStoreDb, migratePostgresEventStore, createMysqlDb, createMysqlEventStore, migrateEventStore, type EventStore, type NewEvent } from './index';
import { createTestPostgresDatabase, createTestMysqlDatabase } from './testing/index';

const ev = (): NewEvent => ({ type: 'ThingHappened', data: { n: 1, text: 'x'.repeat(200) }, metadata: { eventId: randomUUID(), correlationId: randomUUID(), causationId: null, occurredAt: new Date().toISOString(), schemaVersion: 1, actor: { sub: 'b', role: 'admin' } } });

async function run(name: string, store: EventStore, shared: boolean, seconds = 5) {
  let count = 0; const end = Date.now() + seconds * 1000;
  await Promise.all(Array.from({ length: 8 }, async (_, w) => {
    let version = 0; const own = `bench-${randomUUID()}`;
    let n = 0;
    while (Date.now() < end) {
      if (shared) await store.appendToStream(`bench-shared-${n++ % 4}`, [ev()]);
      else { version = (await store.appendToStream(own, [ev()], { expectedVersion: version })).nextExpectedVersion; }
      count++;
    }
  }));
  console.log(`${name} ${shared ? 'shared 4 streams' : 'own stream each'}: ${Math.round(count / seconds)} appends/s`);
}

const pgDb = await createTestPostgresDatabase('bench');
const pdb = createPostgresEventStoreDb(pgDb.url, { poolSize: 8 });
await migratePostgresEventStore(pdb);
const myDb = await createTestMysqlDatabase('bench');
const mdb = createMysqlDb(myDb.url, { poolSize: 8 });
await migrateEventStore(mdb);
const ps = createPostgresEventStore({ db: pdb }); const ms = createMysqlEventStore({ db: mdb });
for (const shared of [false, true]) { await run('postgres', ps, shared); await run('mysql', ms, shared); }
let pos = 0n, total = 0; const t = Date.now();
for (;;) { const p = await ps.readAll(pos, 500); if (!p.events.length) break; total += p.events.length; pos = p.nextPosition; }
console.log(`postgres readAll: ${total} events in ${Date.now() - t} ms`);
await pdb.destroy(); await mdb.destroy(); await pgDb.drop(); await myDb.drop();
