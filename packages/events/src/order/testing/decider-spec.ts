import { expect } from 'vitest';

export interface Decider<Command, Event, State> {
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
}

/**
 * Given/when/then specs for a pure decider:
 * `given(pastEvents).when(command).then(expectedEvents)` or `.then(new ConflictError(...))`.
 * An expected error matches by class, message and own fields (currentVersion, currentStatus, field...).
 * `then` makes the result thenable: use it as a statement, never `return` or `await` it.
 */
export function deciderSpec<Command, Event, State>(decider: Decider<Command, Event, State>) {
  return (given: readonly Event[]) => ({
    when: (command: Command) => ({
      then(expected: readonly Event[] | Error): void {
        const state = given.reduce(decider.evolve, decider.initialState());
        let produced: Event[] | undefined;
        let thrown: unknown;
        try {
          produced = decider.decide(command, state);
        } catch (error) {
          thrown = error;
        }
        if (expected instanceof Error) {
          expect(thrown, 'decide should have thrown').toBeInstanceOf(expected.constructor);
          expect((thrown as Error).message).toBe(expected.message);
          expect({ ...(thrown as Error) }).toEqual({ ...expected });
        } else {
          if (thrown) throw thrown;
          expect(produced).toEqual(expected);
        }
      },
    }),
  });
}
