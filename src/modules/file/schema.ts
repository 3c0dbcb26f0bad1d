/**
 * Params of the `file` module, and the field schemas other file-writing
 * modules (template, properties, sysctl's persisted file) reuse.
 */
import { z } from 'zod';
import { strictObject } from './strict-object.ts';

/** An absolute path without NUL, newlines or `..` segments. */
export const absolutePath = z
  .string({ invalid_type_error: 'must be an absolute path string like /etc/example.conf' })
  .refine((p) => p.startsWith('/'), { message: 'must be an absolute path (starting with /)' })
  .refine((p) => !/[\0\n\r]/.test(p), { message: 'must not contain NUL or line breaks' })
  .refine((p) => !p.split('/').includes('..'), { message: 'must not contain .. segments' })
  .refine((p) => p !== '/' && !p.endsWith('/'), { message: 'must name a file, not end with /' });

/**
 * A file mode, normalised to four octal digits ('0644').
 * A string is octal digits ('644', '0644'). A number is the mode's value, as
 * zonectl's YAML reads it (Ansible-compatible: an unquoted `0644` is octal,
 * 420). An unquoted `644` is the decimal 644 (octal 1204, Ansible's classic
 * pitfall): a number above 0777 whose digits look octal is refused.
 */
export const fileMode = z
  .union([z.string(), z.number()], { errorMap: () => ({ message: "mode must be octal like '0644'" }) })
  .transform((v, ctx) => {
    if (typeof v === 'number') {
      if (Number.isInteger(v) && v >= 0 && v <= 0o777) return v.toString(8).padStart(4, '0');
      const message = /^[0-7]{3,4}$/.test(String(v))
        ? `mode ${v} is a decimal number here; write it quoted, like '0${v}'`
        : "mode must be octal like '0644' (quote it)";
      ctx.addIssue({ code: z.ZodIssueCode.custom, message });
      return z.NEVER;
    }
    const text = v.trim();
    if (!/^[0-7]{3,4}$/.test(text)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: "mode must be octal like '0644' (3 or 4 digits 0-7)" });
      return z.NEVER;
    }
    return text.padStart(4, '0');
  });

/** A user or group: a name as useradd allows, or a numeric id. */
export const accountName = (what: 'owner' | 'group') =>
  z
    .union([z.string(), z.number().int().nonnegative()], { errorMap: () => ({ message: `${what} must be a name or a numeric id` }) })
    .transform((v) => String(v))
    .refine((v) => /^(?:[0-9]+|[A-Za-z_][A-Za-z0-9_.-]*\$?)$/.test(v) && v.length <= 32, {
      message: `${what} must be a user/group name (letters, digits, _ . -) or a numeric id`,
    });

/** `validate: "cmd %s"` — shell text run on the new file before it replaces the old one. */
export const validateCommand = z
  .string({ invalid_type_error: 'validate must be a command string containing %s' })
  .refine((v) => v.includes('%s'), { message: 'validate must contain %s (replaced by the path of the new file)' })
  .refine((v) => !/[\0]/.test(v), { message: 'validate must not contain NUL' });

/** Text written to a file: no NUL (a shell cannot carry it). */
export const fileContent = z
  .string({ invalid_type_error: 'content must be a string' })
  .refine((v) => !v.includes('\0'), { message: 'content must be text without NUL bytes' });

/** A `src:` file name relative to the role's files/ or templates/. */
export const sourceName = z
  .string({ invalid_type_error: 'src must be a file name relative to the role (files/ or templates/)' })
  .min(1, 'src must not be empty')
  .refine((v) => !/[\0\n\r]/.test(v), { message: 'src must not contain NUL or line breaks' });

/** The metadata and safety options every file-writing module shares. */
export const fileAttributes = {
  mode: fileMode.optional(),
  owner: accountName('owner').optional(),
  group: accountName('group').optional(),
  /** Keep the replaced file as `<path>.<UTC timestamp>~` (see docs/modules/file.md). */
  backup: z.boolean({ invalid_type_error: 'backup must be true or false' }).default(false),
  validate: validateCommand.optional(),
  /** false: the dry run says the content changes but shows no diff (files holding secrets zonectl does not know). */
  diff: z.boolean({ invalid_type_error: 'diff must be true or false' }).default(true),
};

export const fileParams = strictObject(
    {
      path: absolutePath.optional(),
      /** Ansible's name for the path in copy/template: accepted as another name for path. */
      dest: absolutePath.optional(),
      state: z.enum(['present', 'absent', 'directory'], { errorMap: () => ({ message: 'state must be present, absent or directory' }) }).default('present'),
      content: fileContent.optional(),
      src: sourceName.optional(),
      ...fileAttributes,
    },
    'file',
  )
  .superRefine((p, ctx) => {
    if (p.path !== undefined && p.dest !== undefined) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['dest'], message: 'give path or dest, not both (dest is another name for path)' });
    }
    if (p.path === undefined && p.dest === undefined) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['path'], message: 'path is required (an absolute path; dest is accepted as another name for it)' });
    }
    if (p.content !== undefined && p.src !== undefined) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['src'], message: 'give content or src, not both' });
    }
    const notWith = { absent: ['content', 'src', 'mode', 'owner', 'group', 'validate'], directory: ['content', 'src', 'validate'], present: [] }[p.state];
    if (p.state !== 'present' && p.diff === false) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['diff'], message: `diff cannot be used with state: ${p.state}` });
    for (const key of notWith as ('content' | 'src' | 'mode' | 'owner' | 'group' | 'validate')[]) {
      if (p[key] !== undefined) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: [key], message: `${key} cannot be used with state: ${p.state}` });
      }
    }
    if (p.state === 'directory' && p.backup) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['backup'], message: 'backup cannot be used with state: directory' });
  })
  // Modules after the schema see one name: path (the superRefine above made sure there is exactly one).
  .transform(({ dest, ...p }) => ({ ...p, path: (p.path ?? dest) as string }));

export type FileParams = z.output<typeof fileParams>;
