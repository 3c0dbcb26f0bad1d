/**
 * Params of the `sysctl` module: one key (`name` + `value`) or many (`set`).
 * Keys are validated here, at compile time, so only safe names reach a shell.
 */
import { z } from 'zod';
import { strictObject } from '../file/strict-object.ts';
import { absolutePath } from '../file/schema.ts';
import { kernelModuleName } from '../kernel_module/schema.ts';
import { canonicalKey, isValidKey, normaliseValue } from './keys.ts';

export const DEFAULT_SYSCTL_FILE = '/etc/sysctl.d/60-zonectl.conf';

const KEY_HINT = "a sysctl key like net.ipv4.ip_forward (letters, digits, _ - : @ +; '.' separates levels, '/' stands for a '.' inside a name: net.ipv4.conf.eth1/100.proxy_arp)";

export const sysctlKey = z
  .string({ invalid_type_error: `must be ${KEY_HINT}` })
  .refine(isValidKey, { message: `must be ${KEY_HINT}` })
  .transform(canonicalKey);

export const sysctlValue = z
  .union([z.string(), z.number(), z.boolean()], { errorMap: () => ({ message: 'value must be a string or number, e.g. 1 or "4096 87380 6291456"' }) })
  .transform((v) => (typeof v === 'boolean' ? (v ? '1' : '0') : String(v)))
  .refine((v) => !/[\0\n\r]/.test(v), { message: 'value must be one line (no line breaks)' })
  .transform(normaliseValue)
  .refine((v) => v !== '', { message: 'value must not be empty' });

export const sysctlParams = strictObject(
    {
      name: sysctlKey.optional(),
      value: sysctlValue.optional(),
      set: z.record(z.string(), sysctlValue, { invalid_type_error: 'set must be a mapping of sysctl key: value' }).optional(),
      persist: z.boolean({ invalid_type_error: 'persist must be true or false' }).default(true),
      file: absolutePath.default(DEFAULT_SYSCTL_FILE),
      ignore_missing: z.boolean({ invalid_type_error: 'ignore_missing must be true or false' }).default(false),
      /** The kernel module that provides these keys: loaded first when they are missing. */
      module: kernelModuleName.optional(),
    },
    'sysctl',
  )
  .superRefine((p, ctx) => {
    const single = p.name !== undefined || p.value !== undefined;
    if (single && p.set !== undefined) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['set'], message: 'give name + value or set, not both' });
    } else if (single && (p.name === undefined || p.value === undefined)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: [p.name === undefined ? 'name' : 'value'], message: 'name and value go together' });
    } else if (!single && p.set === undefined) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'give name + value, or set: {key: value}' });
    }
    if (p.set !== undefined && Object.keys(p.set).length === 0) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['set'], message: 'set must name at least one key' });
    }
    const seen = new Map<string, string>();
    for (const key of Object.keys(p.set ?? {})) {
      if (!isValidKey(key)) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['set', key], message: `key must be ${KEY_HINT}` });
        continue;
      }
      const canon = canonicalKey(key);
      const other = seen.get(canon);
      if (other !== undefined) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['set', key], message: `${key} names the same sysctl as ${other}` });
      }
      seen.set(canon, key);
    }
  })
  .transform((p) => {
    // One shape for the rest of the module, which is itself valid input (a
    // plan's params can be validated again): `set` of canonical keys.
    const set: Record<string, string> = {};
    if (p.name !== undefined && p.value !== undefined) set[p.name] = p.value;
    for (const [key, value] of Object.entries(p.set ?? {})) set[canonicalKey(key)] = value;
    const out: { set: Record<string, string>; persist: boolean; file: string; ignore_missing: boolean; module?: string } = {
      set,
      persist: p.persist,
      file: p.file,
      ignore_missing: p.ignore_missing,
    };
    if (p.module !== undefined) out.module = p.module;
    return out;
  });

export type SysctlParams = z.output<typeof sysctlParams>;
