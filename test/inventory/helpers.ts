/** Test helpers: the error lines an operator sees. */
import { isUserError, UserErrors } from '../../src/errors/index.ts';

/** Runs `fn`, which must fail with user errors, and returns the lines the CLI would print. */
export function userErrorLines(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (!isUserError(error)) throw error;
    return error instanceof UserErrors ? error.errors.map((e) => e.format()) : [error.format()];
  }
  throw new Error('expected user errors, but it succeeded');
}
