import type { Command } from './command';
import { migrateCommand } from './migrate.command';
import { outboxCommand } from './outbox.command';
import { parkedCommand } from './parked.command';
import { replayCommand } from './replay.command';
import { seedMenuCommand } from './seed-menu.command';
import { startCommand } from './start.command';
import { tokenCommand } from './token.command';

/** Every command of `pnpm delivery`; add one by writing `<name>.command.ts` and listing it here. */
export const commands: readonly Command[] = [migrateCommand, seedMenuCommand, tokenCommand, startCommand, replayCommand, outboxCommand, parkedCommand];
