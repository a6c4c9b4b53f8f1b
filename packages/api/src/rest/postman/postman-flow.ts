/**
 * The order in which the Postman collection calls the REST routes, and what each call checks. It runs
 * green against a freshly seeded server (demo menu ids 1..) and again on the same server later: what
 * it creates it deletes, and each order it needs it places itself.
 *
 * A vendor worker may be running beside the API (`pnpm delivery start all`) and accept an order before the
 * collection cancels, accepts or rejects it; those steps accept the 409 that race produces, checking that
 * it names the status the worker moved the order to.
 */
type PostmanRole = 'customer' | 'vendor' | 'admin';

export interface PostmanStep {
  /** The request's name in the collection. */
  name: string;
  /** The procedure whose REST route this calls, e.g. `order.cancel`. */
  procedure: string;
  /** Whose token (a collection variable `<role>Token`) it sends; null: none (public routes). */
  role: PostmanRole | null;
  /** Path variable values, e.g. `{ orderId: '{{orderId}}' }`; others keep the document's example. */
  pathVariables?: Readonly<Record<string, string>>;
  /** Raw JSON body instead of the document's example (it may hold `{{variables}}`). */
  body?: string;
  /** Test script lines (Postman sandbox JavaScript). */
  tests: readonly string[];
}

export interface PostmanFolder {
  name: string;
  description: string;
  steps: readonly PostmanStep[];
}

/** Variables the collection declares; the run script sets the first four. */
export const POSTMAN_VARIABLES = {
  baseUrl: 'http://127.0.0.1:3000',
  customerToken: '',
  vendorToken: '',
  adminToken: '',
  createdFoodId: '',
  createdBarId: '',
  orderId: '',
  acceptOrderId: '',
  rejectOrderId: '',
} as const;

const status = (code: number) => [`pm.test('answers ${code}', () => pm.response.to.have.status(${code}));`];
/** `accessor` follows the parsed body: `.orderId`, `[0].id`. */
const saveAs = (variable: string, accessor: string) => [`pm.collectionVariables.set('${variable}', pm.response.json()${accessor});`];
const expectBody = (title: string, ...checks: string[]) => [
  `pm.test('${title}', () => {`,
  '  const body = pm.response.json();',
  ...checks.map((check) => `  ${check}`),
  '});',
];
/** 200 with `status`, or (only when a vendor worker got there first) 409 naming one of `raced`. */
const movedTo = (target: string, raced: readonly string[]) => [
  `pm.test('moves the order to ${target} (or a vendor worker moved it first)', () => {`,
  '  const body = pm.response.json();',
  '  if (pm.response.code === 409) {',
  `    pm.expect(body.data.currentStatus).to.be.oneOf(${JSON.stringify(raced)});`,
  `  } else {`,
  '    pm.response.to.have.status(200);',
  `    pm.expect(body.status).to.eql('${target}');`,
  '  }',
  '});',
];

/** A step that moves the order held in `variable` by `procedure` (see movedTo). */
const moveOrder = (name: string, procedure: string, role: PostmanRole, variable: string, target: string, raced: readonly string[]): PostmanStep => ({
  name,
  procedure,
  role,
  pathVariables: { orderId: `{{${variable}}}` },
  tests: movedTo(target, raced),
});

const menuWrites = (kind: 'food' | 'bar', createdVariable: string, category: string, extra: string): PostmanStep[] => [
  {
    name: `Create ${kind} items`,
    procedure: `menu.${kind}.create`,
    role: 'admin',
    body: JSON.stringify(
      { items: [{ name: `Postman ${kind} special`, description: 'Created by the Postman collection', price: '6.50', category, ...JSON.parse(extra) }] },
      null,
      2,
    ),
    tests: [
      ...status(200),
      ...expectBody('returns the created item with its id', "pm.expect(body[0].id).to.be.a('number');", "pm.expect(body[0].price).to.eql('6.50');"),
      ...saveAs(createdVariable, '[0].id'),
    ],
  },
  {
    name: `Update ${kind} items`,
    procedure: `menu.${kind}.update`,
    role: 'admin',
    body: `{\n  "items": [{ "id": {{${createdVariable}}}, "price": "6.75" }]\n}`,
    tests: [...status(200), ...expectBody('returns the new price', "pm.expect(body[0].price).to.eql('6.75');")],
  },
  {
    name: `Update every ${kind} item`,
    procedure: `menu.${kind}.updateAll`,
    role: 'admin',
    tests: [...status(200), ...expectBody('counts the updated items', 'pm.expect(body.updated).to.be.above(0);')],
  },
  {
    name: `Delete a ${kind} item`,
    procedure: `menu.${kind}.delete`,
    role: 'admin',
    pathVariables: { id: `{{${createdVariable}}}` },
    tests: [...status(200), ...expectBody('returns the deleted id', `pm.expect(body.id).to.eql(Number(pm.collectionVariables.get('${createdVariable}')));`)],
  },
];

const placeOrder = (name: string, variable: string): PostmanStep => ({
  name,
  procedure: 'order.place',
  role: 'customer',
  // A fresh key per run: the same key would answer the first order again.
  body: '{\n  "items": [{ "kind": "food", "id": 1, "quantity": 2 }, { "kind": "bar", "id": 1, "quantity": 1 }],\n  "idempotencyKey": "{{$guid}}"\n}',
  tests: [
    ...status(201),
    ...expectBody(
      'is pending at version 1',
      "pm.expect(body.status).to.eql('pending');",
      'pm.expect(body.version).to.eql(1);',
      'pm.expect(body.total).to.match(/^\\d+\\.\\d{2}$/);',
    ),
    ...saveAs(variable, '.orderId'),
  ],
});

export const POSTMAN_FLOW: readonly PostmanFolder[] = [
  {
    name: '1. Menu (public)',
    description: 'Menu reads and quotes need no token.',
    steps: [
      {
        name: 'List food items',
        procedure: 'menu.food.list',
        role: null,
        tests: [
          ...status(200),
          ...expectBody(
            'lists only the asked category',
            'pm.expect(body.length).to.be.above(0);',
            "body.forEach((item) => pm.expect(item.category).to.eql('Entrees'));",
          ),
        ],
      },
      { name: 'Get a food item', procedure: 'menu.food.get', role: null, tests: [...status(200), ...expectBody('is item 1', 'pm.expect(body.id).to.eql(1);')] },
      {
        name: 'List bar items',
        procedure: 'menu.bar.list',
        role: null,
        tests: [...status(200), ...expectBody('lists only beers', "body.forEach((item) => pm.expect(item.category).to.eql('Beer'));")],
      },
      {
        name: 'Get a bar item',
        procedure: 'menu.bar.get',
        role: null,
        tests: [...status(200), ...expectBody('has an alcohol content', "pm.expect(body).to.have.property('alcoholContent');")],
      },
      {
        name: 'Quote items',
        procedure: 'menu.quote',
        role: null,
        tests: [
          ...status(200),
          ...expectBody('prices each line and the total', 'pm.expect(body.lines).to.have.length(2);', 'pm.expect(body.total).to.match(/^\\d+\\.\\d{2}$/);'),
        ],
      },
    ],
  },
  {
    name: '2. Menu (admin)',
    description: 'Menu writes need an admin token. What is created here is deleted again.',
    steps: [...menuWrites('food', 'createdFoodId', 'Appetizers', '{}'), ...menuWrites('bar', 'createdBarId', 'Mocktails', '{"alcoholContent":"None"}')],
  },
  {
    name: '3. Orders (customer)',
    description: 'Place an order, read it, its list and history, then cancel it.',
    steps: [
      placeOrder('Place an order', 'orderId'),
      {
        name: 'Get the order',
        procedure: 'order.get',
        role: 'customer',
        pathVariables: { orderId: '{{orderId}}' },
        tests: [
          ...status(200),
          ...expectBody(
            'is the placed order',
            "pm.expect(body.orderId).to.eql(pm.collectionVariables.get('orderId'));",
            'pm.expect(body.lines).to.have.length(2);',
          ),
        ],
      },
      {
        name: 'List my orders',
        procedure: 'order.list',
        role: 'customer',
        tests: [...status(200), ...expectBody('is a page', "pm.expect(body.items).to.be.an('array');", "pm.expect(body).to.have.property('nextCursor');")],
      },
      {
        name: 'Order history',
        procedure: 'order.history',
        role: 'customer',
        pathVariables: { orderId: '{{orderId}}' },
        tests: [...status(200), ...expectBody('starts with OrderPlaced', "pm.expect(body[0].type).to.eql('OrderPlaced');")],
      },
      moveOrder('Cancel the order', 'order.cancel', 'customer', 'orderId', 'cancelled', ['accepted', 'delivered']),
    ],
  },
  {
    name: '4. Orders (vendor)',
    description: 'A vendor accepts and delivers one order and rejects another.',
    steps: [
      placeOrder('Place an order to accept', 'acceptOrderId'),
      moveOrder('Accept the order', 'order.accept', 'vendor', 'acceptOrderId', 'accepted', ['accepted', 'delivered']),
      moveOrder('Mark the order delivered', 'order.markDelivered', 'vendor', 'acceptOrderId', 'delivered', ['delivered']),
      placeOrder('Place an order to reject', 'rejectOrderId'),
      moveOrder('Reject the order', 'order.reject', 'vendor', 'rejectOrderId', 'rejected', ['accepted', 'delivered']),
      {
        name: 'List every order',
        procedure: 'order.list',
        role: 'vendor',
        tests: [...status(200), ...expectBody('is a page', "pm.expect(body.items).to.be.an('array');")],
      },
    ],
  },
];
