import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { compilePlan, type CompileOptions, type CompileResult } from '../../src/compile/index.ts';
import { UserError, UserErrors } from '../../src/errors/index.ts';

export const FIXTURES = fileURLToPath(new URL('../fixtures/playbooks/', import.meta.url));

/** Compiles a fixture tree with its directory as the working directory. */
export function compileFixture(dir: string, options: Partial<CompileOptions> = {}): CompileResult {
  return compilePlan({ inventory: ['inventory'], playbooks: ['site.yml'], cwd: join(FIXTURES, dir), ...options });
}

/** The formatted errors a compile throws (fails the test when it does not throw). */
export function compileErrors(dir: string, options: Partial<CompileOptions> = {}): string[] {
  try {
    compileFixture(dir, options);
  } catch (error) {
    if (error instanceof UserErrors) return error.errors.map((e) => e.format());
    if (error instanceof UserError) return [error.format()];
    throw error;
  }
  throw new Error(`compiling ${dir} was expected to fail`);
}
