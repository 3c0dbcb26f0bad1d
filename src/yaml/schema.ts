/**
 * The YAML schema zonectl reads with: the one Ansible users already write for.
 *
 * Ansible reads YAML 1.1 (PyYAML), js-yaml reads YAML 1.2. Where that changes the
 * meaning of a file an operator already has, we follow Ansible:
 * - `yes`/`no`/`on`/`off` (any of three casings) are booleans, as `true`/`false`;
 * - an integer with a leading `0` is octal (`mode: 0644` is 420), `0o`, `0x`, `0b`
 *   and `_` separators work too.
 * Deliberately NOT followed: YAML 1.1 sexagesimal numbers (`52:54:00:12:34:56`
 * stays a string, a MAC address is not a number) and timestamps (a date stays a
 * string, so plans stay plain JSON).
 *
 * `!secret NAME` becomes the placeholder `@@secret(NAME)@@` (src/secrets).
 */
import yaml from 'js-yaml';
import { isSecretName, secretToken } from '../secrets/index.ts';

const BOOL_TRUE = new Set(['true', 'True', 'TRUE', 'yes', 'Yes', 'YES', 'on', 'On', 'ON']);
const BOOL_FALSE = new Set(['false', 'False', 'FALSE', 'no', 'No', 'NO', 'off', 'Off', 'OFF']);

const bool11 = new yaml.Type('tag:yaml.org,2002:bool', {
  kind: 'scalar',
  resolve: (data: unknown) => typeof data === 'string' && (BOOL_TRUE.has(data) || BOOL_FALSE.has(data)),
  construct: (data: string) => BOOL_TRUE.has(data),
  predicate: (object: unknown) => typeof object === 'boolean',
  represent: { lowercase: (object: unknown) => (object ? 'true' : 'false') },
  defaultStyle: 'lowercase',
});

// PyYAML's int forms minus sexagesimal: decimal, 0-prefixed octal, 0o octal, 0x hex, 0b binary.
const INT = /^[-+]?(?:0|[1-9][0-9_]*|0[0-7_]+|0o[0-7_]+|0x[0-9a-fA-F_]+|0b[01_]+)$/;

const int11 = new yaml.Type('tag:yaml.org,2002:int', {
  kind: 'scalar',
  resolve: (data: unknown) => typeof data === 'string' && INT.test(data) && /[0-9a-fA-F]$/.test(data),
  construct: (data: string) => {
    let text = data.replace(/_/g, '');
    let sign = 1;
    if (text.startsWith('-') || text.startsWith('+')) {
      if (text.startsWith('-')) sign = -1;
      text = text.slice(1);
    }
    if (text.startsWith('0x')) return sign * parseInt(text.slice(2), 16);
    if (text.startsWith('0b')) return sign * parseInt(text.slice(2), 2);
    if (text.startsWith('0o')) return sign * parseInt(text.slice(2), 8);
    if (text.length > 1 && text.startsWith('0')) return sign * parseInt(text.slice(1), 8);
    return sign * parseInt(text, 10);
  },
  predicate: (object: unknown) => typeof object === 'number' && Number.isInteger(object),
  represent: { decimal: (object: unknown) => String(object) },
  defaultStyle: 'decimal',
});

export const SECRET_TAG = '!secret';

const secret = new yaml.Type(SECRET_TAG, {
  kind: 'scalar',
  // An invalid name makes js-yaml report "cannot resolve"; the loader turns that into a located error.
  resolve: (data: unknown) => typeof data === 'string' && isSecretName(data),
  construct: (data: string) => secretToken(data),
});

// js-yaml exports its built-in types; @types/js-yaml does not declare them.
const builtin = (yaml as unknown as { types: Record<'merge', yaml.Type> }).types;

// CORE_SCHEMA (null, bool, int, float); types with the same tag replace the built-in ones in place.
export const ZONECTL_SCHEMA = yaml.CORE_SCHEMA.extend({
  implicit: [bool11, int11, builtin.merge],
  explicit: [secret],
});
