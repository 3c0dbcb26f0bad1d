/**
 * The template helpers operators use in playbooks (documented in
 * docs/playbooks.md). Each is a plain function of its arguments; the last
 * argument handlebars passes (its `options`) is dropped before they run, so
 * the same functions serve handlebars' runtime and our single-expression
 * evaluator (which keeps native types).
 */
import { cidrAddress, cidrHost, cidrNetmask, cidrNetwork, cidrPrefix, CidrError, describe } from './cidr.ts';

/** A helper was used wrongly; the renderer adds where. */
export class HelperError extends Error {}

type Helper = (...args: unknown[]) => unknown;

function toNumber(helper: string, value: unknown): number {
  if (typeof value === 'number') return value;
  // INI inventories and -e key=value give strings; numeric ones are welcome.
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
  throw new HelperError(`${helper}: expected a number, got ${describe(value)}`);
}

function arithmetic(name: string, op: (a: number, b: number) => number): Helper {
  return (...args) => {
    if (args.length < 2) throw new HelperError(`${name}: needs two numbers, e.g. {{ ${name} mtu 50 }}`);
    const numbers = args.map((a) => toNumber(name, a));
    return numbers.slice(1).reduce((acc, n) => op(acc, n), numbers[0] as number);
  };
}

function cidr(name: string, fn: (...args: unknown[]) => unknown): Helper {
  return (...args) => {
    try {
      return fn(...args);
    } catch (error) {
      if (error instanceof CidrError) throw new HelperError(`${name}: ${error.message}`);
      throw error;
    }
  };
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

export { deepEqual };

export const HELPERS: Readonly<Record<string, Helper>> = {
  /** `{{ default mtu 1500 }}`: the value, or the fallback when it is undefined or null. */
  default: (value, fallback) => (value === undefined || value === null ? fallback : value),
  /** `{{ join list ", " }}` (separator defaults to ","). */
  join: (list, separator) => {
    if (!Array.isArray(list)) throw new HelperError(`join: expected a list, got ${describe(list)}`);
    return list.join(typeof separator === 'string' ? separator : ',');
  },
  add: arithmetic('add', (a, b) => a + b),
  sub: arithmetic('sub', (a, b) => a - b),
  mul: arithmetic('mul', (a, b) => a * b),
  div: arithmetic('div', (a, b) => {
    if (b === 0) throw new HelperError('div: division by zero');
    return a / b;
  }),
  mod: arithmetic('mod', (a, b) => {
    if (b === 0) throw new HelperError('mod: division by zero');
    return a % b;
  }),
  cidr_host: cidr('cidr_host', cidrHost),
  cidr_prefix: cidr('cidr_prefix', cidrPrefix),
  cidr_network: cidr('cidr_network', cidrNetwork),
  cidr_netmask: cidr('cidr_netmask', cidrNetmask),
  cidr_address: cidr('cidr_address', cidrAddress),
  lower: (text) => {
    if (typeof text !== 'string') throw new HelperError(`lower: expected a string, got ${describe(text)}`);
    return text.toLowerCase();
  },
  upper: (text) => {
    if (typeof text !== 'string') throw new HelperError(`upper: expected a string, got ${describe(text)}`);
    return text.toUpperCase();
  },
  /** `{{ json value }}`: the value as compact JSON (for files that embed JSON). */
  json: (value) => JSON.stringify(value),
  eq: (a, b) => deepEqual(a, b),
  ne: (a, b) => !deepEqual(a, b),
  lt: (a, b) => toNumber('lt', a) < toNumber('lt', b),
  gt: (a, b) => toNumber('gt', a) > toNumber('gt', b),
  and: (...args) => args.every(Boolean),
  or: (...args) => args.some(Boolean),
  not: (value) => !value,
  /** `{{ lookup map key }}`: a key chosen by a variable; a missing one is an error, as an undefined variable is. */
  lookup: (...args) => {
    if (args.length !== 2) throw new HelperError('lookup: needs a mapping (or a list) and a key, e.g. {{ lookup hostvars item }}');
    const [object, key] = args;
    const found = lookupOrUndefined(object, key);
    if (found !== undefined || (object !== null && typeof object === 'object' && ownKey(object, key))) return found;
    if (object === null || typeof object !== 'object') throw new HelperError(`lookup: cannot look up ${describe(key)} in ${typeof object === 'string' ? 'a string' : describe(object)}`);
    throw new HelperError(`lookup: no ${describe(key)} in that ${Array.isArray(object) ? 'list' : 'mapping'} (use default (lookup …) VALUE when it may be missing)`);
  },
};

function ownKey(object: object, key: unknown): boolean {
  return (typeof key === 'string' || typeof key === 'number') && Object.prototype.hasOwnProperty.call(object, key);
}

/** `lookup` where a missing value is fine: the first argument of default, if and unless. */
export function lookupOrUndefined(object: unknown, key: unknown): unknown {
  if (object === null || typeof object !== 'object' || !ownKey(object, key)) return undefined;
  return (object as Record<string | number, unknown>)[key as string | number];
}

/** The name the renderer gives `lookup` where a missing value is fine (not for operators to write). */
export const OPTIONAL_LOOKUP = 'zonectl_optional_lookup';

/** Helpers whose first argument may be undefined (they exist to handle that). */
export const TOLERATES_UNDEFINED: ReadonlySet<string> = new Set(['default', 'if', 'unless']);

/** Handlebars' block helpers, which only its runtime implements. */
export const BLOCK_HELPERS: ReadonlySet<string> = new Set(['if', 'unless', 'each', 'with']);

/** Block helpers that change the context (`this`) inside their block. */
export const CONTEXT_HELPERS: ReadonlySet<string> = new Set(['each', 'with']);

export function helperNames(): string[] {
  return Object.keys(HELPERS).sort();
}
