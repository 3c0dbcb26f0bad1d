/**
 * Params of the `service` module.
 */
import { z } from 'zod';
import { strictObject } from '../file/strict-object.ts';

export const serviceName = z
  .string({ invalid_type_error: 'name must be a service name like frr or ssh' })
  .refine((v) => /^[A-Za-z0-9_][A-Za-z0-9@_.:-]{0,127}$/.test(v) && !v.includes('..'), {
    message: 'name must be a service name like frr or ssh (letters, digits, @ _ . : -)',
  });

export const serviceParams = strictObject(
  {
    name: serviceName,
    state: z
      .enum(['started', 'stopped', 'restarted', 'reloaded'], { errorMap: () => ({ message: 'state must be started, stopped, restarted or reloaded' }) })
      .optional(),
    enabled: z.boolean({ invalid_type_error: 'enabled must be true or false' }).optional(),
    /** A service that is not installed is left alone instead of failing the task. */
    ignore_missing: z.boolean({ invalid_type_error: 'ignore_missing must be true or false' }).default(false),
  },
  'service',
).superRefine((p, ctx) => {
  if (p.state === undefined && p.enabled === undefined) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'give state (started, stopped, restarted, reloaded) or enabled' });
  }
});

export type ServiceParams = z.output<typeof serviceParams>;
