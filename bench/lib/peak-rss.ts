/**
 * Samples this process's resident set size while a scenario runs. `resourceUsage().maxRSS` is the peak
 * of the whole process life, so it cannot tell scenarios apart; sampling can (it may miss a spike
 * shorter than the interval).
 */
export function trackPeakRss(intervalMs = 50): { stop(): number } {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, intervalMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage.rss());
    },
  };
}

/** The process's peak resident set size so far, in bytes (the kernel's high-water mark). */
export const lifetimeMaxRssBytes = (): number => process.resourceUsage().maxRSS * 1024;
