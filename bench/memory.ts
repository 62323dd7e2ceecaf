/**
 * This process's own peak resident memory, for benchmark children that report it.
 *
 * Not `process.resourceUsage().maxRSS`: on Linux a spawned child's maxRSS starts at the RSS of the
 * parent it was forked from (the kernel keeps the old address space's high-water mark across exec),
 * so a child of a benchmark holding a 4-million-row database "peaked" at the parent's gigabytes
 * whatever it did itself. VmHWM is the high-water mark of the address space after exec.
 */
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';

/** Peak RSS in bytes from /proc/self/status (VmHWM), or null where there is no /proc. */
export function highWaterMark(): number | null {
  if (!existsSync('/proc/self/status')) return null;
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return match ? Number(match[1]) * 1024 : null;
}

/** Bytes as whole MiB, as the benches print them. */
export const megabytes = (bytes: number): string => `${Math.round(bytes / 2 ** 20)} MB`;

/**
 * A detection's `onPhase` that prints each phase's wall and CPU time, RSS, JS heap and buffers
 * after it (and `extra`, e.g. PGlite's heap) with the load: wall far above CPU is waiting.
 */
export function phasePrinter(extra: () => string = () => ''): (phase: string) => void {
  let [phaseAt, phaseCpu] = [performance.now(), process.cpuUsage()];
  return (phase) => {
    const [now, cpuNow] = [performance.now(), process.cpuUsage()];
    const used = (cpuNow.user + cpuNow.system - phaseCpu.user - phaseCpu.system) / 1e6;
    const usage = process.memoryUsage();
    // The high-water mark so far shows a peak reached inside a phase, which RSS after it hides.
    const peak = highWaterMark();
    console.log(
      `    ${phase}: ${((now - phaseAt) / 1000).toFixed(1)} s wall, ${used.toFixed(1)} s CPU, RSS ${megabytes(usage.rss)}${peak === null ? '' : ` (peak ${megabytes(peak)})`}, JS ${megabytes(usage.heapUsed)} heap + ${megabytes(usage.arrayBuffers)} buffers${extra()} (load ${loadavg()[0]!.toFixed(1)})`,
    );
    [phaseAt, phaseCpu] = [now, cpuNow];
  };
}
