import { startBareOrderRoute } from './bare-order-route';

/*
 * The bare route as a process of its own, started by the api scenario with `node --import tsx` beside the
 * API's process: MYSQL_URL (the API's events database) and PORT from the environment. Prints one JSON line
 * when it listens; SIGTERM closes it.
 */

const mysqlUrl = process.env.MYSQL_URL;
const port = Number(process.env.PORT ?? 0);
if (!mysqlUrl) {
  process.stderr.write('bare route: MYSQL_URL is required\n');
  process.exit(1);
}
const route = await startBareOrderRoute(mysqlUrl, port);
process.stdout.write(`${JSON.stringify({ msg: 'bare route listening', url: route.url })}\n`);
let stopping = false;
const stop = () => {
  if (stopping) process.exit(1);
  stopping = true;
  route.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
