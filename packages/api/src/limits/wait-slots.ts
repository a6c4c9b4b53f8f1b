/** A fixed number of slots for waits that hold a request open; a wait that finds none full does not wait. */
export interface WaitSlots {
  /** A release function when a slot was free, null when all are taken. */
  tryTake(): (() => void) | null;
  readonly inUse: number;
}

/**
 * Caps how many `order.get` calls with `minVersion` poll the read model at once in one API process, so a
 * crowd of waits cannot take the database (and everyone else's requests) with them.
 * @example const slot = waits.tryTake(); try { ... } finally { slot?.(); }
 */
export function waitSlots(capacity: number): WaitSlots {
  let inUse = 0;
  return {
    tryTake() {
      if (inUse >= capacity) return null;
      inUse += 1;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        inUse -= 1;
      };
    },
    get inUse() {
      return inUse;
    },
  };
}
