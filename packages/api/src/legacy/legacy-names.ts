import { ValidationError, type MenuKind } from '@delivery/events';
import type { LegacyCaller } from './legacy-actors';

export interface NamedLine {
  name: string;
  quantity: number;
}

const key = (name: string) => name.trim().toLowerCase();

/**
 * The original identified items by name, across both menus. Some names are on both (Mojito, Iced Tea,
 * Lemonade, Coffee in the demo menu): a name means the food item first, then the bar item, compared
 * without regard to case or surrounding spaces. Both lists are read per call: the menu is small (~80
 * items) and this path is for the migration period only.
 * @throws ValidationError `items[i].name` for a name on neither menu.
 */
export async function resolveMenuNames(caller: LegacyCaller, lines: readonly NamedLine[]): Promise<{ kind: MenuKind; id: number; quantity: number }[]> {
  const [food, bar] = await Promise.all([caller.menu.food.list(), caller.menu.bar.list()]);
  const firstByName = (items: readonly { id: number; name: string }[]) => {
    const found = new Map<string, number>();
    for (const item of items) if (!found.has(key(item.name))) found.set(key(item.name), item.id);
    return found;
  };
  const foodIds = firstByName(food);
  const barIds = firstByName(bar);
  const lookup = (name: string): { kind: MenuKind; id: number } | undefined => {
    const foodId = foodIds.get(key(name));
    if (foodId !== undefined) return { kind: 'food', id: foodId };
    const barId = barIds.get(key(name));
    return barId === undefined ? undefined : { kind: 'bar', id: barId };
  };
  return lines.map((line, index) => {
    const found = lookup(line.name);
    if (!found) throw new ValidationError(`items[${index}].name`, `no menu item named "${line.name}"`);
    return { ...found, quantity: line.quantity };
  });
}
