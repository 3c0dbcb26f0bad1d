/**
 * Evaluates a parsed `when` condition against variables. Truthiness follows
 * Jinja/Python (empty strings, lists and mappings, 0 and null are false), so
 * conditions written for Ansible mean the same here.
 */
import { deepEqual } from '../template/helpers.ts';
import { describe } from '../template/cidr.ts';
import { MISSING } from '../template/index.ts';
import type { WhenNode } from './parse.ts';

/** A condition that cannot be decided (undefined variable, incomparable values). */
export class WhenEvalError extends Error {
  readonly offset: number;
  readonly hint: string | undefined;
  constructor(message: string, offset: number, hint?: string) {
    super(message);
    this.name = 'WhenEvalError';
    this.offset = offset;
    this.hint = hint;
  }
}

/** Top-level variable by name, or MISSING. */
export type Lookup = (name: string) => unknown;

export function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (value !== null && typeof value === 'object') return Object.keys(value).length > 0;
  return Boolean(value);
}

export function evaluateWhen(node: WhenNode, lookup: Lookup): boolean {
  return truthy(value(node, lookup));
}

function resolve(node: Extract<WhenNode, { type: 'variable' }>, lookup: Lookup): unknown {
  let current = lookup(node.path[0] as string);
  if (current === MISSING) return MISSING;
  for (const key of node.path.slice(1)) {
    if (current === null || typeof current !== 'object' || !Object.prototype.hasOwnProperty.call(current, key)) return MISSING;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

function value(node: WhenNode, lookup: Lookup): unknown {
  switch (node.type) {
    case 'literal':
      return node.value;
    case 'variable': {
      const v = resolve(node, lookup);
      if (v === MISSING) throw new WhenEvalError(`undefined variable '${node.text}'`, node.offset, `guard it with '${node.text} is defined'`);
      return v;
    }
    case 'list':
      return node.items.map((item) => value(item, lookup));
    case 'not':
      return !truthy(value(node.operand, lookup));
    case 'and':
      return truthy(value(node.left, lookup)) && truthy(value(node.right, lookup));
    case 'or':
      return truthy(value(node.left, lookup)) || truthy(value(node.right, lookup));
    case 'defined': {
      const operand = node.operand;
      const defined = operand.type === 'variable' ? resolve(operand, lookup) !== MISSING : true;
      return node.negated ? !defined : defined;
    }
    case 'compare':
      return compare(node, value(node.left, lookup), value(node.right, lookup));
  }
}

function compare(node: Extract<WhenNode, { type: 'compare' }>, left: unknown, right: unknown): boolean {
  switch (node.op) {
    case '==':
      return deepEqual(left, right);
    case '!=':
      return !deepEqual(left, right);
    case 'in':
    case 'not in': {
      const found = contains(node, right, left);
      return node.op === 'in' ? found : !found;
    }
    default: {
      const bothNumbers = typeof left === 'number' && typeof right === 'number';
      const bothStrings = typeof left === 'string' && typeof right === 'string';
      if (!bothNumbers && !bothStrings) {
        throw new WhenEvalError(`cannot compare ${describe(left)} ${node.op} ${describe(right)}`, node.offset, 'both sides must be numbers or both strings');
      }
      const [a, b] = [left, right];
      if (node.op === '<') return a < b;
      if (node.op === '>') return a > b;
      if (node.op === '<=') return a <= b;
      return a >= b;
    }
  }
}

function contains(node: Extract<WhenNode, { type: 'compare' }>, container: unknown, item: unknown): boolean {
  if (Array.isArray(container)) return container.some((c) => deepEqual(c, item));
  if (typeof container === 'string') {
    if (typeof item !== 'string') throw new WhenEvalError(`'in' a string needs a string on the left, got ${describe(item)}`, node.offset, "e.g. 'eth' in name");
    return container.includes(item);
  }
  if (container !== null && typeof container === 'object') {
    return (typeof item === 'string' || typeof item === 'number') && Object.prototype.hasOwnProperty.call(container, item);
  }
  throw new WhenEvalError(`'${node.op}' needs a list, a string or a mapping on the right, got ${describe(container)}`, node.offset, 'e.g. inventory_hostname in groups.routers');
}
