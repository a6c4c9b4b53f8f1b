/**
 * One example input per procedure, in the procedure's own (tRPC) shape. They succeed against a freshly
 * seeded server (demo menu ids 1.., every item available): the OpenAPI document shows them, the panel
 * prefills its forms with them, and the Postman collection sends them. An order id can only be known
 * once an order exists, so `EXAMPLE_ORDER_ID` stands in for it (Postman replaces it with `{{orderId}}`).
 */
const EXAMPLE_ORDER_ID = '7d3f0a52-1c2e-4b8a-9f10-3e5d6c7b8a90';

const twoBurgersAndABeer = {
  items: [
    { kind: 'food', id: 1, quantity: 2 },
    { kind: 'bar', id: 1, quantity: 1 },
  ],
};

export const procedureExamples: Readonly<Record<string, unknown>> = {
  'menu.food.list': { category: 'Entrees', available: true },
  'menu.food.get': { id: 1 },
  'menu.food.create': {
    items: [{ name: 'Tomato Soup', description: 'Slow-cooked tomatoes, basil, a swirl of cream.', price: '6.50', category: 'Appetizers' }],
  },
  'menu.food.update': { items: [{ id: 1, available: true }] },
  'menu.food.updateAll': { patch: { available: true } },
  'menu.food.delete': { id: 1 },
  'menu.bar.list': { category: 'Beer' },
  'menu.bar.get': { id: 1 },
  'menu.bar.create': {
    items: [{ name: 'Espresso Tonic', description: 'Espresso over tonic water and ice.', price: '5.00', category: 'Mocktails', alcoholContent: 'None' }],
  },
  'menu.bar.update': { items: [{ id: 1, available: true }] },
  'menu.bar.updateAll': { patch: { available: true } },
  'menu.bar.delete': { id: 1 },
  'menu.quote': twoBurgersAndABeer,
  // No `email`: the confirmation goes to the token's address (another address is refused when the token has one).
  'order.place': twoBurgersAndABeer,
  'order.get': { orderId: EXAMPLE_ORDER_ID, minVersion: 1 },
  'order.list': { limit: 20 },
  'order.history': { orderId: EXAMPLE_ORDER_ID },
  'order.cancel': { orderId: EXAMPLE_ORDER_ID, expectedVersion: 1 },
  'order.accept': { orderId: EXAMPLE_ORDER_ID, expectedVersion: 1 },
  'order.reject': { orderId: EXAMPLE_ORDER_ID, reason: 'The kitchen is closing early', expectedVersion: 1 },
  'order.markDelivered': { orderId: EXAMPLE_ORDER_ID },
  'order.onStatusChange': { orderId: EXAMPLE_ORDER_ID },
};
