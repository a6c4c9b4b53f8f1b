import { drinks, everyOrder, menu, quote } from './menu.js';

const food = await menu();
const [first] = food;
if (!first) throw new Error('the menu is empty');
const priced = await quote(first.id);
let orders = 0;
for await (const _order of everyOrder()) orders += 1;
console.log(JSON.stringify({ consumer: 'pnpm-declarations', dishes: food.length, drinks: (await drinks()).length, quoteTotal: priced.total, orders }));
