/**
 * This process's own peak resident memory, for benchmark children that report it.
 *
 * Not `process.resourceUsage().maxRSS`: on Linux a spawned child's maxRSS starts at the RSS of the
 * parent it was forked from (the kernel keeps the old address space's high-water mark across exec),
 * so a child of a benchmark holding a 4-million-row database "peaked" at the parent's gigabytes
 * whatever it did itself. VmHWM is the high-water mark of the address space after exec.
 */
import { existsSync, readFileSync } from 'node:fs';

/** Peak RSS in bytes from /proc/self/status (VmHWM), or null where there is no /proc. */
export function highWaterMark(): number | null {
  if (!existsSync('/proc/self/status')) return null;
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return match ? Number(match[1]) * 1024 : null;
}
