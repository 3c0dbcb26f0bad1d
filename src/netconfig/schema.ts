/** Schema pieces shared by the network modules. */
import { z } from 'zod';
import { formatCidr, hasHostBits, networkOf, parseCidr } from './ip-address.ts';

export const persistSchema = z
  .boolean({ invalid_type_error: 'persist must be true or false' })
  .default(true);

/** An address with its prefix, as a host has it (`10.0.0.5/24`, `2001:db8::5/64`). */
export const interfaceAddress = z
  .string({ invalid_type_error: 'address must be a string like 10.0.0.5/24 or 2001:db8::5/64' })
  .transform((text, ctx) => {
    const cidr = parseCidr(text.trim());
    if (!cidr) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${text} is not an address with a prefix length (like 10.0.0.5/24 or 2001:db8::5/64)` });
      return z.NEVER;
    }
    return formatCidr(cidr);
  });

/** A route destination: `default`, a network (host bits zero) or a bare address (a host route). */
export const routeDestination = z
  .string({ invalid_type_error: 'to must be default, a network like 10.1.0.0/16, or an address' })
  .transform((text, ctx) => {
    const t = text.trim();
    if (t === 'default') return { to: 'default', family: null as 4 | 6 | null };
    const cidr = parseCidr(t, true);
    if (!cidr) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${text} is not default, a network like 10.1.0.0/16, or an address` });
      return z.NEVER;
    }
    if (hasHostBits(cidr)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${text} has host bits set (a route goes to a network address, like ${formatCidr(networkOf(cidr))})` });
      return z.NEVER;
    }
    if (cidr.prefix === 0) return { to: 'default', family: cidr.family as 4 | 6 | null };
    return { to: formatCidr(cidr), family: cidr.family as 4 | 6 | null };
  });
