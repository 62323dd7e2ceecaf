import { AppError } from '../../src/core/errors.js';

/** Runs `action` and returns the AppError it throws, failing the test otherwise. */
export function appErrorOf(action: () => unknown): AppError {
  try {
    action();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError, nothing was thrown');
}
