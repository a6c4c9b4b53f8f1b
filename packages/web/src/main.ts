// The customer's page: the menu, a basket, placing an order and following it live, all through the SDK.
// The token lives in memory only (never in localStorage, sessionStorage, a cookie or a URL): live tracking
// sends it as a header, because the SDK's EventSource reads the stream through fetch.
import { clientFailureOf, createDeliveryClient, deliveryErrorCode, type MenuItem, type OrderItemInput, type OrderStatus } from '@delivery/sdk';
import { addToBasket, basketItems, removeFromBasket, type BasketLine } from './basket';
import { routeOf, trackingPath } from './page-route';

const element = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;

let token = '';
let basket: BasketLine[] = [];
let following: { unsubscribe(): void } | undefined;
let waitingForToken: string | undefined;

const client = createDeliveryClient({ url: location.origin, getToken: () => token || undefined });

function describeError(error: unknown): string {
  switch (deliveryErrorCode(error)) {
    case 'UNAUTHORIZED':
      return 'Paste a valid customer token at the top first.';
    case 'FORBIDDEN':
      return 'This token may not do that (placing orders takes a customer token).';
    case 'NOT_FOUND':
      return 'No such order (or it is not yours).';
    case undefined:
      if (clientFailureOf(error) === 'timeout') return 'The server did not answer in time; try again.';
      break;
    default:
      break;
  }
  return error instanceof Error ? error.message : String(error);
}

function renderMenu(food: readonly MenuItem[], bar: readonly MenuItem[]): void {
  const menu = element('menu');
  menu.replaceChildren();
  for (const [kind, items] of [
    ['food', food],
    ['bar', bar],
  ] as const) {
    const categories = new Map<string, MenuItem[]>();
    for (const item of items) categories.set(item.category, [...(categories.get(item.category) ?? []), item]);
    for (const [category, inCategory] of categories) {
      const heading = document.createElement('h2');
      heading.textContent = category;
      menu.append(heading);
      for (const item of inCategory) {
        const row = document.createElement('div');
        row.className = 'item';
        row.dataset.kind = kind;
        row.dataset.id = String(item.id);
        const name = document.createElement('span');
        name.innerHTML = '<span class="name"></span> <span class="muted"></span>';
        name.querySelector('.name')!.textContent = item.name;
        name.querySelector('.muted')!.textContent = item.description;
        const price = document.createElement('span');
        price.className = 'price';
        price.textContent = item.price;
        const add = document.createElement('button');
        add.type = 'button';
        add.textContent = 'Add';
        add.setAttribute('aria-label', `Add ${item.name}`);
        add.addEventListener('click', () => {
          basket = addToBasket(basket, kind, item);
          void renderBasket();
        });
        row.append(name, price, add);
        menu.append(row);
      }
    }
  }
}

async function renderBasket(): Promise<void> {
  const lines = element('basket-lines');
  lines.replaceChildren(
    ...basket.map((line) => {
      const li = document.createElement('li');
      const label = document.createElement('span');
      label.textContent = `${line.quantity} × ${line.item.name}`;
      const less = document.createElement('button');
      less.type = 'button';
      less.textContent = '−';
      less.setAttribute('aria-label', `One less ${line.item.name}`);
      less.addEventListener('click', () => {
        basket = removeFromBasket(basket, line.kind, line.item.id);
        void renderBasket();
      });
      li.append(label, less);
      return li;
    }),
  );
  element<HTMLButtonElement>('place').disabled = basket.length === 0;
  const total = element('basket-total');
  if (basket.length === 0) {
    total.textContent = 'Your basket is empty.';
    return;
  }
  const items: OrderItemInput[] = basketItems(basket);
  try {
    // The server prices the basket; the menu's prices are only what was shown.
    const quote = await client.menu.quote.query({ items });
    total.textContent = `Total ${quote.total}`;
  } catch (error) {
    total.textContent = describeError(error);
  }
}

async function placeOrder(): Promise<void> {
  const place = element<HTMLButtonElement>('place');
  const shopError = element('shop-error');
  shopError.textContent = '';
  place.disabled = true;
  try {
    const placed = await client.order.place.mutate({ items: basketItems(basket) });
    basket = [];
    void renderBasket();
    history.pushState(null, '', trackingPath(placed.orderId));
    show();
  } catch (error) {
    shopError.textContent = describeError(error);
    place.disabled = false;
  }
}

function markSteps(status: OrderStatus): void {
  const order: OrderStatus[] = ['pending', 'accepted', 'delivered'];
  const reached = order.indexOf(status);
  for (const step of element('tracking-steps').querySelectorAll<HTMLElement>('li')) {
    step.classList.toggle('done', reached >= 0 && order.indexOf(step.dataset.status as OrderStatus) <= reached);
  }
}

function track(orderId: string): void {
  following?.unsubscribe();
  element('tracking-order').textContent = orderId;
  element('tracking-error').textContent = '';
  const status = element('tracking-status');
  markSteps('pending');
  element('tracking-log').replaceChildren();
  if (!token) {
    waitingForToken = orderId;
    status.textContent = 'Paste your token at the top to follow this order.';
    return;
  }
  waitingForToken = undefined;
  status.textContent = 'Connecting…';
  following = client.order.onStatusChange.subscribe(
    { orderId, lastEventId: '0' },
    {
      onData: ({ data }) => {
        markSteps(data.status);
        status.textContent = `${data.status} (version ${data.version}, ${new Date(data.at).toLocaleTimeString()})`;
        status.dataset.status = data.status;
        const entry = document.createElement('li');
        entry.dataset.status = data.status;
        entry.textContent = `${data.status} · version ${data.version} · ${data.at}`;
        element('tracking-log').append(entry);
      },
      onError: (error) => {
        element('tracking-error').textContent = describeError(error);
      },
    },
  );
}

function show(): void {
  const route = routeOf(location.pathname);
  element('shop').hidden = route.view !== 'shop';
  element('tracking').hidden = route.view !== 'tracking';
  if (route.view === 'tracking') track(route.orderId);
  else following?.unsubscribe();
}

element<HTMLInputElement>('token').addEventListener('input', (event) => {
  token = (event.target as HTMLInputElement).value.trim();
  if (token && waitingForToken) track(waitingForToken);
});
element('place').addEventListener('click', () => void placeOrder());
for (const link of document.querySelectorAll<HTMLAnchorElement>('a[data-link]')) {
  link.addEventListener('click', (event) => {
    event.preventDefault();
    history.pushState(null, '', link.href);
    show();
  });
}
window.addEventListener('popstate', show);

void Promise.all([client.menu.food.list.query({ available: true }), client.menu.bar.list.query({ available: true })]).then(
  ([food, bar]) => renderMenu(food, bar),
  (error: unknown) => (element('menu').textContent = describeError(error)),
);
void renderBasket();
show();
