/** Clean-ups run last registered first, each whatever the others did; `run()` reports the failures to `onError`. */
export function cleanupStack(onError: (error: unknown) => void): { defer(cleanup: () => unknown): void; run(): Promise<void> } {
  const cleanups: (() => unknown)[] = [];
  return {
    defer: (cleanup) => void cleanups.push(cleanup),
    async run() {
      for (let cleanup = cleanups.pop(); cleanup; cleanup = cleanups.pop()) {
        try {
          await cleanup();
        } catch (error) {
          onError(error);
        }
      }
    },
  };
}
