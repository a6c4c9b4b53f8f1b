import type { DeliveryClient } from '@delivery/sdk';

/** Places an order of two food items and a drink at menu prices, with the quote for comparison. */
export async function placeSampleOrder(client: DeliveryClient) {
  const [food, bar] = await Promise.all([client.menu.food.list.query({ available: true }), client.menu.bar.list.query({ available: true })]);
  const items = [
    { kind: 'food' as const, id: food[0]!.id, quantity: 2 },
    { kind: 'food' as const, id: food[1]!.id, quantity: 1 },
    { kind: 'bar' as const, id: bar[0]!.id, quantity: 3 },
  ];
  const [quote, placed] = await Promise.all([client.menu.quote.query({ items }), client.order.place.mutate({ items })]);
  return { quote, placed };
}

/**
 * Follows an order live until it reaches a final status; resolves with every status it went through, in
 * order (`lastEventId: '0'` asks for the whole story, not only the current state).
 */
export function followUntilFinal(client: DeliveryClient, orderId: string, options: { signal?: AbortSignal } = {}): Promise<string[]> {
  const statuses: string[] = [];
  return new Promise((resolve, reject) => {
    const subscription = client.order.onStatusChange.subscribe(
      { orderId, lastEventId: '0' },
      {
        signal: options.signal,
        onData: ({ data }) => statuses.push(data.status),
        onComplete: () => resolve(statuses),
        onError: (error) => {
          subscription.unsubscribe();
          reject(error);
        },
      },
    );
  });
}
