/** Zod pieces the OVS modules share: names that are safe on a command line, and owned maps. */
import { z } from 'zod';

/**
 * A bridge, port or interface name: Linux's limit of 15 characters, letters,
 * digits and `_ . -`, starting with a letter or digit (so it can never be
 * read as an option by ovs-vsctl).
 */
export const ovsName = z
  .string({ invalid_type_error: 'must be a name' })
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'must be letters, digits and _ . - starting with a letter or digit')
  .max(15, 'must be at most 15 characters (the Linux interface name limit)');

const mapKey = /^[A-Za-z0-9_.:-]+$/;

/**
 * Keys zonectl manages in a map column (other_config, external_ids): a value
 * sets the key, `null` removes it; keys not listed are left alone.
 */
export const ownedMap = z
  .record(z.union([z.string(), z.number(), z.boolean(), z.null()]))
  .superRefine((map, ctx) => {
    for (const key of Object.keys(map)) {
      if (!mapKey.test(key)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [key], message: 'a key must be letters, digits and _ . : -' });
    }
  })
  .transform((map): Record<string, string | null> =>
    Object.fromEntries(Object.entries(map).map(([k, v]) => [k, v === null ? null : String(v)])),
  );

export const vlanId = z.number({ invalid_type_error: 'must be a VLAN id (0-4095)' }).int().min(0, 'must be a VLAN id (0-4095)').max(4095, 'must be a VLAN id (0-4095)');

/** `trunks: [100, 200]` or `trunks: "100,200,300-305"` → sorted, unique VLAN ids. */
export const trunkList = z
  .union([z.array(vlanId), z.string(), z.number()])
  .transform((value, ctx): number[] => {
    if (Array.isArray(value)) return [...new Set(value)].sort((a, b) => a - b);
    const ids = new Set<number>();
    for (const part of String(value).split(',').map((p) => p.trim()).filter(Boolean)) {
      const range = /^(\d+)(?:-(\d+))?$/.exec(part);
      const from = Number(range?.[1]);
      const to = Number(range?.[2] ?? range?.[1]);
      if (!range || from > to || to > 4095) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: `bad VLAN list item ${JSON.stringify(part)} (VLAN ids 0-4095 and ranges like 100-110, comma-separated)` });
        return z.NEVER;
      }
      for (let id = from; id <= to; id++) ids.add(id);
    }
    return [...ids].sort((a, b) => a - b);
  });

export function mapText(map: Readonly<Record<string, string | null>>): string {
  return Object.entries(map).map(([k, v]) => (v === null ? `-${k}` : `${k}=${v}`)).join(' ');
}

/** VLAN ids for a summary, runs of three or more as ranges: `100-199,300` rather than a hundred numbers. */
export function idRangesText(ids: readonly number[]): string {
  const sorted = [...ids].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === (sorted[j] as number) + 1) j++;
    if (j - i >= 2) parts.push(`${sorted[i]}-${sorted[j]}`);
    else for (let k = i; k <= j; k++) parts.push(String(sorted[k]));
    i = j + 1;
  }
  return parts.join(',');
}
