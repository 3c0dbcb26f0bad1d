/**
 * Params of the `command` module: shell text to run, made idempotent by a guard.
 */
import { z } from 'zod';
import { strictObject } from '../file/strict-object.ts';
import { absolutePath } from '../file/schema.ts';

const shellText = (what: string) =>
  z
    .string({ invalid_type_error: `${what} must be a shell command string` })
    .min(1, `${what} must not be empty`)
    .refine((v) => !v.includes('\0'), { message: `${what} must not contain NUL` });

// `command: "some text"` is short for `command: {run: "some text"}`.
const shorthand = (v: unknown): unknown => (typeof v === 'string' ? { run: v } : v);

export const commandParams = z.preprocess(
  shorthand,
  strictObject(
    {
      /** POSIX sh text, run as written (the operator's own shell code). */
      run: shellText('run'),
      /** Skip when this path exists. */
      creates: absolutePath.optional(),
      /** Skip when this path does not exist. */
      removes: absolutePath.optional(),
      /** Skip when this test command exits 0. */
      unless: shellText('unless').optional(),
      /** Run in this directory (must exist). */
      chdir: absolutePath.optional(),
    },
    'command',
  ),
);

export type CommandParams = z.output<typeof commandParams>;
