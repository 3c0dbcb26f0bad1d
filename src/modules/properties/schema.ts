/**
 * Params of the `properties` module: keys in a Java-style `key=value` file
 * such as CloudStack's agent.properties.
 */
import { z } from 'zod';
import { strictObject } from '../file/strict-object.ts';
import { absolutePath, accountName, fileMode, validateCommand } from '../file/schema.ts';

/** Keys zonectl manages: plain names, so no .properties escaping is needed. */
const KEY = /^[A-Za-z0-9_][A-Za-z0-9_.\-/@]*$/;
const KEY_HINT = 'a key like guest.network.device (letters, digits, _ . - / @)';

export const propertyKey = z
  .string({ invalid_type_error: `must be ${KEY_HINT}` })
  .refine((k) => KEY.test(k) && k.length <= 255, { message: `must be ${KEY_HINT}` });

export const propertyValue = z
  .union([z.string(), z.number(), z.boolean()], { errorMap: () => ({ message: 'value must be a string, number or boolean' }) })
  .transform((v) => String(v))
  .refine((v) => !/[\0\n\r]/.test(v), { message: 'value must be one line (no line breaks)' })
  .refine((v) => !/(^|[^\\])(\\\\)*\\$/.test(v), { message: 'value must not end with a single backslash (it would continue onto the next line)' });

export const DEFAULT_PROPERTIES_MODE = '0600';

export const propertiesParams = strictObject(
    {
      path: absolutePath,
      set: z.record(z.string(), propertyValue, { invalid_type_error: 'set must be a mapping of key: value' }).default({}),
      remove: z.array(propertyKey, { invalid_type_error: 'remove must be a list of keys' }).default([]),
      mode: fileMode.optional(),
      owner: accountName('owner').optional(),
      group: accountName('group').optional(),
      validate: validateCommand.optional(),
    },
    'properties',
  )
  .superRefine((p, ctx) => {
    for (const key of Object.keys(p.set)) {
      if (!KEY.test(key) || key.length > 255) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['set', key], message: `key must be ${KEY_HINT}` });
      if (p.remove.includes(key)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['remove'], message: `${key} is both set and removed` });
    }
    if (Object.keys(p.set).length === 0 && p.remove.length === 0 && p.mode === undefined && p.owner === undefined && p.group === undefined) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'give set, remove, mode, owner or group: nothing to manage' });
    }
  });

export type PropertiesParams = z.output<typeof propertiesParams>;
