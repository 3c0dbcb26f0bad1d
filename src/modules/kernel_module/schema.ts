/**
 * Params of the `kernel_module` module.
 */
import { z } from 'zod';
import { absolutePath } from '../file/schema.ts';
import { strictObject } from '../file/strict-object.ts';

export const DEFAULT_MODULES_LOAD_FILE = '/etc/modules-load.d/zonectl.conf';

export const kernelModuleName = z
  .string({ invalid_type_error: 'name must be a kernel module name like 8021q or br_netfilter' })
  .refine((v) => /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/.test(v), { message: 'name must be a kernel module name like 8021q or br_netfilter (letters, digits, _ -)' });

export const kernelModuleParams = strictObject(
  {
    name: kernelModuleName,
    state: z.enum(['present', 'absent'], { errorMap: () => ({ message: 'state must be present or absent' }) }).default('present'),
    /** Also list it in `file` so it loads at boot (default true). */
    persist: z.boolean({ invalid_type_error: 'persist must be true or false' }).default(true),
    file: absolutePath.default(DEFAULT_MODULES_LOAD_FILE),
  },
  'kernel_module',
);

export type KernelModuleParams = z.output<typeof kernelModuleParams>;

/** /sys/module and modprobe treat - and _ alike; sysfs shows _. */
export function sysfsName(name: string): string {
  return name.replace(/-/g, '_');
}
