const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const COLORS = ['\x1b[36m', '\x1b[35m', '\x1b[33m', '\x1b[32m', '\x1b[34m', '\x1b[91m'];
const RESET = '\x1b[0m';
const HIDDEN = new Set(['level', 'time', 'pid', 'hostname', 'name', 'msg']);

/**
 * One pino JSON line as a person reads it: `12:00:01 api      INFO  api listening url=http://...`.
 * Lines that are not JSON pass through unchanged.
 */
export function readableLogLine(processName: string, line: string, options: { color: boolean; index: number }): string {
  const label = processName.padEnd(10);
  const prefix = options.color ? `${COLORS[options.index % COLORS.length]}${label}${RESET}` : label;
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return `${prefix} ${line}`;
  }
  const time = typeof entry.time === 'string' ? entry.time.slice(11, 19) : '';
  const level = (LEVELS[Number(entry.level)] ?? 'INFO').padEnd(5);
  const fields = Object.entries(entry)
    // A component named by the label (embedded mode labels lines by component) is not repeated.
    .filter(([key, value]) => !HIDDEN.has(key) && !(key === 'component' && value === processName))
    .map(([key, value]) => `${key}=${typeof value === 'object' ? JSON.stringify(value) : String(value)}`)
    .join(' ');
  return `${time} ${prefix} ${level} ${String(entry.msg ?? '')}${fields ? ` ${fields}` : ''}`;
}
