/** Params of `route`: one static route, present or absent. */
import { z } from 'zod';
import { canonicalIp, ipFamily } from '../../netconfig/ip-address.ts';
import { interfaceName } from '../../netconfig/names.ts';
import { persistSchema, routeDestination } from '../../netconfig/schema.ts';

const TABLE_HINT = 'table must be main, a number 1-4294967295, or a name from /etc/iproute2/rt_tables';

export const routeParams = z
  .object(
    {
      to: routeDestination,
      via: z
        .string({ invalid_type_error: 'via must be a gateway address' })
        .transform((v, ctx) => {
          const ip = canonicalIp(v.trim());
          if (ip === undefined) {
            ctx.addIssue({ code: z.ZodIssueCode.custom, message: `via ${v} is not an IP address (the gateway, like 10.0.0.1)` });
            return z.NEVER;
          }
          return ip;
        })
        .optional(),
      dev: interfaceName('dev').optional(),
      metric: z.number({ invalid_type_error: 'metric must be a whole number' }).int('metric must be a whole number').min(0).max(4294967295).optional(),
      table: z
        .union([z.number().int(TABLE_HINT).min(1, TABLE_HINT).max(4294967295, TABLE_HINT), z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, TABLE_HINT)], {
          errorMap: () => ({ message: TABLE_HINT }),
        })
        .default('main'),
      state: z.enum(['present', 'absent'], { errorMap: () => ({ message: 'state must be present or absent' }) }).default('present'),
      persist: persistSchema,
    },
    { invalid_type_error: 'route params must be a mapping' },
  )
  .strict('unknown parameter (allowed: to, via, dev, metric, table, state, persist)')
  .superRefine((p, ctx) => {
    // An invalid `to` (already reported) arrives here as zod's aborted marker, without `to`.
    const viaFamily = p.via === undefined ? null : ipFamily(p.via);
    if (typeof p.to.to === 'string' && p.to.family !== null && viaFamily !== null && p.to.family !== viaFamily) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['via'], message: `via ${p.via} is not in the same address family as ${p.to.to}` });
    }
    if (p.state === 'present' && p.via === undefined && p.dev === undefined) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'a route needs via (a gateway), dev, or both' });
    }
    if (p.persist && p.dev === undefined) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['dev'],
        message: 'a persisted route needs dev (the interface whose configuration brings it up); give dev, or persist: false',
      });
    }
  })
  .transform((p) => {
    // `default` alone says nothing of the family: the gateway does, else IPv4.
    const family: 4 | 6 = p.to.family ?? (p.via !== undefined ? ipFamily(p.via) : 4);
    return {
      to: p.to.to,
      family,
      via: p.via,
      dev: p.dev,
      // The kernel's defaults, so that an omitted metric matches what `ip` prints.
      metric: p.metric ?? (family === 6 ? 1024 : 0),
      table: String(p.table),
      state: p.state,
      persist: p.persist,
    };
  });

export type RouteParams = z.infer<typeof routeParams>;
