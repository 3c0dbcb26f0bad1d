/** Params of `link`: an existing interface's MTU and administrative state. */
import { z } from 'zod';
import { interfaceName, mtuSchema } from '../../netconfig/names.ts';
import { persistSchema } from '../../netconfig/schema.ts';

export const linkParams = z
  .object(
    {
      name: interfaceName('name'),
      mtu: mtuSchema.optional(),
      state: z.enum(['up', 'down'], { errorMap: () => ({ message: 'state must be up or down' }) }).optional(),
      persist: persistSchema,
    },
    { invalid_type_error: 'link params must be a mapping' },
  )
  .strict('unknown parameter (allowed: name, mtu, state, persist)')
  .refine((p) => p.mtu !== undefined || p.state !== undefined, { message: 'give mtu, state, or both' });

export type LinkParams = z.infer<typeof linkParams>;
