/**
 * Interface names, validated before any of them can reach a shell or a file
 * name. Linux (IFNAMSIZ) allows 1–15 bytes without '/', ':' or whitespace, and
 * not '.' or '..'; we also refuse control and non-ASCII characters, which no
 * operator means and which would make file names and messages unreadable.
 */
import { z } from 'zod';

export const MAX_INTERFACE_NAME = 15;

export const INTERFACE_NAME_HINT = "1-15 printable ASCII characters without '/', ':' or spaces, not '.' or '..'";

/** Why `name` is not a usable interface name, or undefined when it is. */
export function interfaceNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'interface name is empty';
  if (name.length > MAX_INTERFACE_NAME) return `interface name ${name} is ${name.length} characters; Linux allows ${MAX_INTERFACE_NAME}`;
  if (name === '.' || name === '..') return `interface name ${name} is not allowed`;
  if (!/^[\x21-\x7e]+$/.test(name)) return `interface name ${JSON.stringify(name)} has a space, control or non-ASCII character`;
  if (/[/:]/.test(name)) return `interface name ${name} contains '/' or ':'`;
  return undefined;
}

export function isInterfaceName(name: string): boolean {
  return interfaceNameProblem(name) === undefined;
}

/** A zod schema for one interface name; `what` names the parameter in messages. */
export function interfaceName(what = 'interface name') {
  return z
    .string({ invalid_type_error: `${what} must be a string (${INTERFACE_NAME_HINT})`, required_error: `${what} is required` })
    .superRefine((name, ctx) => {
      const problem = interfaceNameProblem(name);
      if (problem) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${problem} (${INTERFACE_NAME_HINT})` });
    });
}

export const mtuSchema = z
  .number({ invalid_type_error: 'mtu must be a whole number of bytes, 68-65535' })
  .int('mtu must be a whole number of bytes, 68-65535')
  .min(68, 'mtu must be at least 68 (the IPv4 minimum)')
  .max(65535, 'mtu must be at most 65535');
