/** Undoing what a slow test set up (servers, folders, mounts, scratch databases), last first, after all its tests. */
import { afterAll } from 'vitest';

/**
 * A list to push undo steps to as they become needed. They run in reverse order after the
 * describe block, each even when an earlier one failed (a failure is only reported: the next
 * step may still free a port or a mount).
 */
export function cleanupAfterAll(): Array<() => void | Promise<void>> {
  const steps: Array<() => void | Promise<void>> = [];
  afterAll(async () => {
    for (const step of steps.reverse()) {
      try {
        await step();
      } catch (error) {
        console.warn('cleanup failed:', error);
      }
    }
  });
  return steps;
}
