/** Zod piece for an OpenFlow cookie zonectl owns (number or hex string → `0x…` as ovs-ofctl prints it). */
import { z } from 'zod';
import { normaliseCookie } from './flows.ts';

export const ownedCookie = z.union([z.string(), z.number()]).transform((value, ctx) => {
  const cookie = normaliseCookie(value);
  if (cookie === undefined) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'must be a non-zero 64-bit cookie, e.g. 0x5a430001 (0 is the default cookie of flows nobody owns)' });
    return z.NEVER;
  }
  return cookie;
});
