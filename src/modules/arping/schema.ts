/** Params of `arping`: one gratuitous ARP announcement. */
import { z } from 'zod';
import { canonicalIp, ipFamily } from '../../netconfig/ip-address.ts';
import { interfaceName } from '../../netconfig/names.ts';

const ipv4 = (what: string) =>
  z.string({ invalid_type_error: `${what} must be an IPv4 address` }).transform((v, ctx) => {
    // Accept 10.0.0.5/24 too: the same value an address task lists.
    const ip = canonicalIp(v.trim().replace(/\/\d+$/, ''));
    if (ip === undefined || ipFamily(ip) !== 4) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: `${what} ${v} is not an IPv4 address (ARP is IPv4 only; IPv6 neighbours learn a moved address from unsolicited neighbour advertisements)`,
      });
      return z.NEVER;
    }
    return ip;
  });

export const arpingParams = z
  .object(
    {
      address: ipv4('address'),
      dev: interfaceName('dev'),
      gateway: ipv4('gateway').optional(),
      count: z.number({ invalid_type_error: 'count must be a whole number, 1-10' }).int().min(1, 'count must be 1-10').max(10, 'count must be 1-10').default(1),
    },
    { invalid_type_error: 'arping params must be a mapping' },
  )
  .strict('unknown parameter (allowed: address, dev, gateway, count)');

export type ArpingParams = z.infer<typeof arpingParams>;
