/**
 * A params object that refuses unknown keys with a message naming them and
 * what is allowed (zod's own says only "Unrecognized key(s)").
 */
import { z } from 'zod';

export function strictObject<T extends z.ZodRawShape>(shape: T, what: string): z.ZodObject<T, 'strict'> {
  const allowed = Object.keys(shape).join(', ');
  return z
    .object(shape, {
      errorMap: (issue, ctx) => {
        if (issue.code === z.ZodIssueCode.unrecognized_keys) {
          return { message: `unknown parameter ${issue.keys.join(', ')} (allowed: ${allowed})` };
        }
        if (issue.code === z.ZodIssueCode.invalid_type && ctx.data !== undefined) {
          return { message: `${what} params must be a mapping (allowed keys: ${allowed})` };
        }
        return { message: ctx.defaultError };
      },
    })
    .strict();
}
