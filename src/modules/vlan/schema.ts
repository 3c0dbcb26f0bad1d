/**
 * Params of `vlan`: one VLAN interface (`id`) or many (`ids: 100-110,200`) on
 * a parent, the host side of a trunk. Names default to PARENT.ID and must fit
 * Linux's 15 characters.
 */
import { z } from 'zod';
import { interfaceName, interfaceNameProblem, mtuSchema } from '../../netconfig/names.ts';
import { persistSchema } from '../../netconfig/schema.ts';

const ID_HINT = 'VLAN ids are 1-4094';

/** `100-110,200` or [100, "120-125"] → sorted unique ids; a message when invalid. */
export function parseVlanIds(value: unknown): number[] | string {
  const parts: string[] = [];
  const items = Array.isArray(value) ? value : [value];
  for (const item of items) {
    if (typeof item === 'number') parts.push(String(item));
    else if (typeof item === 'string') parts.push(...item.split(','));
    else return `ids must be a list or a string like 100-110,200 (${ID_HINT})`;
  }
  const ids = new Set<number>();
  for (const raw of parts) {
    const part = raw.trim();
    const m = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(part);
    if (!m) return `${JSON.stringify(part)} is not a VLAN id or range like 100-110 (${ID_HINT})`;
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (from < 1 || to > 4094 || from > to) return `${part} is not a valid VLAN id or range (${ID_HINT}, low-high)`;
    for (let id = from; id <= to; id++) ids.add(id);
  }
  if (ids.size === 0) return `ids names no VLAN (${ID_HINT})`;
  return [...ids].sort((a, b) => a - b);
}

export const vlanParams = z
  .object(
    {
      parent: interfaceName('parent'),
      id: z.number({ invalid_type_error: `id must be a whole number (${ID_HINT})` }).int(ID_HINT).min(1, ID_HINT).max(4094, ID_HINT).optional(),
      ids: z.union([z.string(), z.number(), z.array(z.union([z.string(), z.number()]))]).optional(),
      name: interfaceName('name').optional(),
      mtu: mtuSchema.optional(),
      protocol: z
        .string()
        .transform((p) => p.toLowerCase())
        .refine((p) => p === '802.1q' || p === '802.1ad', { message: 'protocol must be 802.1Q or 802.1ad' })
        .transform((p) => (p === '802.1ad' ? '802.1ad' : '802.1Q'))
        .default('802.1Q'),
      bridge: interfaceName('bridge').optional(),
      persist: persistSchema,
    },
    { invalid_type_error: 'vlan params must be a mapping' },
  )
  .strict('unknown parameter (allowed: parent, id, ids, name, mtu, protocol, bridge, persist)')
  .transform((p, ctx) => {
    let ids: number[];
    if (p.id !== undefined && p.ids !== undefined) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['ids'], message: 'give id or ids, not both' });
      return z.NEVER;
    }
    if (p.id !== undefined) ids = [p.id];
    else if (p.ids !== undefined) {
      const parsed = parseVlanIds(p.ids);
      if (typeof parsed === 'string') {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['ids'], message: parsed });
        return z.NEVER;
      }
      ids = parsed;
    } else {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: `give id (one VLAN) or ids (like 100-110,200); ${ID_HINT}` });
      return z.NEVER;
    }
    if (p.name !== undefined && ids.length > 1) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['name'], message: 'name goes with a single id; with ids every interface is named PARENT.ID' });
      return z.NEVER;
    }
    const vlans = ids.map((id) => ({ id, name: p.name ?? `${p.parent}.${id}` }));
    for (const v of vlans) {
      const problem = interfaceNameProblem(v.name);
      if (problem) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: [p.name !== undefined ? 'name' : 'parent'],
          message: `${problem}${p.name === undefined ? ' (the default name is PARENT.ID; give a shorter name)' : ''}`,
        });
        return z.NEVER;
      }
    }
    if (p.bridge !== undefined && vlans.some((v) => v.name === p.bridge)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['bridge'], message: 'a VLAN interface cannot be enslaved to itself' });
      return z.NEVER;
    }
    return { parent: p.parent, vlans, mtu: p.mtu, protocol: p.protocol, bridge: p.bridge, persist: p.persist };
  });

export type VlanParams = z.infer<typeof vlanParams>;
