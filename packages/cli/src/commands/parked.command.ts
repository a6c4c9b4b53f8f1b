import { isOrderQueue, orderQueueNames, parkedQueueName } from '@delivery/events';
import { UsageError, type Command } from './command';
import { withOperator } from '../operator/with-operator';

export const parkedCommand: Command = {
  name: 'parked',
  synopsis: `parked <list|redrive> [${orderQueueNames.join('|')}]`,
  summary: 'list the messages parked after failing (all queues by default), or move them back to their queue',
  async run(args, env) {
    const [action, queue, ...rest] = args;
    if ((action !== 'list' && action !== 'redrive') || rest.length > 0) throw new UsageError('parked takes list or redrive, then optionally a queue');
    if (queue !== undefined && !isOrderQueue(queue)) throw new UsageError(`unknown queue "${queue}": use one of ${orderQueueNames.join(', ')}`);
    const queues = queue ? [queue] : orderQueueNames;
    await withOperator(env, async (actions) => {
      for (const name of queues) {
        if (action === 'redrive') {
          const moved = await actions.redriveParked(name);
          console.log(`${parkedQueueName(name)}: ${moved} moved back to ${name}`);
          continue;
        }
        const { total, messages } = await actions.listParked(name);
        console.log(`${parkedQueueName(name)}: ${total} parked`);
        for (const message of messages) console.log(`  ${JSON.stringify(message)}`);
      }
    });
    return 0;
  },
};
