/** Time and ids enter business logic as parameters, so tests can pin them. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export interface IdGenerator {
  newId(): string;
}

export const randomIds: IdGenerator = { newId: () => crypto.randomUUID() };
