/** Params of `address`: the IPv4/IPv6 addresses of one interface. */
import { z } from 'zod';
import { interfaceName } from '../../netconfig/names.ts';
import { interfaceAddress, persistSchema } from '../../netconfig/schema.ts';

export const addressParams = z
  .object(
    {
      dev: interfaceName('dev'),
      addresses: z
        .union([interfaceAddress.transform((a) => [a]), z.array(interfaceAddress)], {
          errorMap: (issue, ctx) =>
            issue.code === z.ZodIssueCode.invalid_union ? { message: 'addresses must be a list like [10.0.0.5/24, 2001:db8::5/64]' } : { message: ctx.defaultError },
        }),
      exclusive: z.boolean({ invalid_type_error: 'exclusive must be true or false' }).default(false),
      persist: persistSchema,
    },
    { invalid_type_error: 'address params must be a mapping' },
  )
  .strict('unknown parameter (allowed: dev, addresses, exclusive, persist)')
  .superRefine((p, ctx) => {
    const seen = new Map<string, number>();
    p.addresses.forEach((cidr, i) => {
      // An element that failed validation is not a string here.
      if (typeof cidr !== 'string') return;
      const ip = cidr.slice(0, cidr.indexOf('/'));
      if (seen.has(ip)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['addresses', i], message: `${ip} is listed twice` });
      seen.set(ip, i);
    });
  });

export type AddressParams = z.infer<typeof addressParams>;
