/** `order.get` with `minVersion`: the order exists but did not reach that version within the wait. */
export class VersionNotReachedError extends Error {
  constructor(
    readonly orderId: string,
    readonly minVersion: number,
    readonly currentVersion: number,
    waitedMs: number,
  ) {
    super(`order ${orderId} is at version ${currentVersion}; version ${minVersion} was not reached within ${waitedMs} ms`);
    this.name = 'VersionNotReachedError';
  }
}
