import { describe, expect, it } from 'vitest';
import { AmqpUrlError, AmqpUrlSchema, parseAmqpNodes } from './amqp-nodes';

describe('parseAmqpNodes', () => {
  it('reads one node with its credentials, vhost and port', () => {
    const [node, ...rest] = parseAmqpNodes('amqp://app:s%40cret@10.0.0.1:5700/shop%2Fone');
    expect(rest).toEqual([]);
    expect(node?.label).toBe('10.0.0.1:5700');
    expect(node?.connect).toMatchObject({ protocol: 'amqp', hostname: '10.0.0.1', port: 5700, username: 'app', password: 's@cret', vhost: 'shop%2Fone' });
  });

  it('reads the nodes of a cluster in order, each with the defaults of its protocol', () => {
    const nodes = parseAmqpNodes(' amqp://a , amqps://b:5671/ ,amqp://guest:guest@c:5703', { heartbeatSeconds: 10 });
    expect(nodes.map((node) => [node.label, node.connect.protocol, node.connect.username, node.connect.password, node.connect.heartbeat])).toEqual([
      ['a:5672', 'amqp', 'guest', 'guest', 10],
      ['b:5671', 'amqps', 'guest', 'guest', 10],
      ['c:5703', 'amqp', 'guest', 'guest', 10],
    ]);
  });

  it('gives every node the same keys, so one can be copied over another', () => {
    const [first, second] = parseAmqpNodes('amqp://a?heartbeat=3,amqp://b/vh');
    expect(Object.keys(first!.connect).sort()).toEqual(Object.keys(second!.connect).sort());
    expect(first?.connect.heartbeat).toBe(3);
    expect(second?.connect.heartbeat).toBeUndefined();
  });

  it('names the node that is not an AMQP URL', () => {
    expect(() => parseAmqpNodes('http://rabbit')).toThrow(new AmqpUrlError('must start with amqp: or amqps:'));
    expect(() => parseAmqpNodes('amqp://a,http://b')).toThrow(new AmqpUrlError('node 2 must start with amqp: or amqps:'));
    expect(() => parseAmqpNodes('amqp://a,nonsense')).toThrow(new AmqpUrlError('node 2 must be a URL (amqp:, amqps:)'));
    expect(() => parseAmqpNodes('amqp://a,,amqp://b')).toThrow(AmqpUrlError);
  });

  it('lets a config schema report the problem as its message', () => {
    const parsed = AmqpUrlSchema.safeParse('amqp://a,ftp://b');
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toBe('node 2 must start with amqp: or amqps:');
  });
});
