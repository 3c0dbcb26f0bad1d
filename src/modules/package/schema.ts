/**
 * Params of the `package` module.
 */
import { z } from 'zod';
import { strictObject } from '../file/strict-object.ts';

/** Debian and RPM package names (an optional :arch for dpkg). No versions. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9+._-]*(?::[a-z0-9_-]+)?$/;
const NAME_HINT = 'a package name like openssh-server (letters, digits, + . _ -, optional :arch; no version)';

export const packageName = z
  .string({ invalid_type_error: `must be ${NAME_HINT}` })
  .refine((v) => NAME.test(v) && v.length <= 128, { message: `must be ${NAME_HINT}` });

export const packageParams = strictObject(
  {
    name: z
      .union([packageName.transform((n) => [n]), z.array(packageName).min(1, 'name must list at least one package')], {
        errorMap: (issue, ctx) => ({ message: issue.code === 'invalid_union' ? `name must be ${NAME_HINT}, or a list of them` : ctx.defaultError }),
      })
      .transform((names) => [...new Set(names)]),
    state: z.enum(['present', 'absent'], { errorMap: () => ({ message: 'state must be present or absent' }) }).default('present'),
    /** Refresh the package lists (apt-get update / dnf makecache) before installing, only when something is missing. */
    update_cache: z.boolean({ invalid_type_error: 'update_cache must be true or false' }).default(false),
  },
  'package',
);

export type PackageParams = z.output<typeof packageParams>;
