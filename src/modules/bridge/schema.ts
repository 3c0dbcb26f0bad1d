/** Params of `bridge`: a Linux bridge, its ports and its STP settings. */
import { z } from 'zod';
import { interfaceName, mtuSchema } from '../../netconfig/names.ts';
import { persistSchema } from '../../netconfig/schema.ts';

const bool = (name: string) => z.boolean({ invalid_type_error: `${name} must be true or false` });

export const bridgeParams = z
  .object(
    {
      name: interfaceName('name'),
      ports: z.array(interfaceName('port'), { invalid_type_error: 'ports must be a list of interface names' }).default([]),
      mtu: mtuSchema.optional(),
      stp: bool('stp').default(false),
      forward_delay: z
        .number({ invalid_type_error: 'forward_delay must be a whole number of seconds, 0-30' })
        .int('forward_delay must be a whole number of seconds, 0-30')
        .min(0, 'forward_delay must be 0-30 seconds')
        .max(30, 'forward_delay must be 0-30 seconds')
        .default(0),
      exclusive: bool('exclusive').default(false),
      move_addresses: bool('move_addresses').default(false),
      persist: persistSchema,
    },
    { invalid_type_error: 'bridge params must be a mapping' },
  )
  .strict('unknown parameter (allowed: name, ports, mtu, stp, forward_delay, exclusive, move_addresses, persist)')
  .superRefine((p, ctx) => {
    const seen = new Set<string>();
    p.ports.forEach((port, i) => {
      if (port === p.name) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['ports', i], message: `a bridge cannot be its own port (${port})` });
      if (seen.has(port)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['ports', i], message: `port ${port} is listed twice` });
      seen.add(port);
    });
    // The kernel refuses a forward delay outside 2-30 s while STP runs.
    if (p.stp && p.forward_delay < 2) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['forward_delay'], message: 'with stp: true, forward_delay must be 2-30 seconds' });
    }
  });

export type BridgeParams = z.infer<typeof bridgeParams>;
