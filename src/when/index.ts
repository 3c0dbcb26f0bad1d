/**
 * `when:` conditions: a string expression, a bare boolean, or a list of
 * conditions that must all hold. Parsed once per task, evaluated per host and
 * loop item. Errors carry the offset of the bad token in the expression.
 */
import { evaluateWhen, type Lookup, WhenEvalError } from './evaluate.ts';
import { parseWhen, WhenSyntaxError, type WhenNode } from './parse.ts';

export { WhenEvalError, WhenSyntaxError, parseWhen, evaluateWhen, type Lookup, type WhenNode };

/** One condition as written, parsed. `index` is its position when `when` is a list. */
export interface Condition {
  source: string;
  node: WhenNode;
  index: number | undefined;
}

/** A `when` value that is neither a string, a boolean, nor a list of them. */
export class WhenTypeError extends Error {
  readonly index: number | undefined;
  constructor(message: string, index?: number) {
    super(message);
    this.name = 'WhenTypeError';
    this.index = index;
  }
}

/** Parses a `when` value (string, boolean, or list of those). Throws WhenSyntaxError/WhenTypeError with `index` set for list items. */
export function parseConditions(when: unknown): Condition[] {
  const items = Array.isArray(when) ? when : [when];
  return items.map((item, i) => {
    const index = Array.isArray(when) ? i : undefined;
    if (typeof item === 'boolean') return { source: String(item), node: { type: 'literal', value: item }, index };
    if (typeof item !== 'string') {
      throw new WhenTypeError('when: expected a condition string, true/false, or a list of them', index);
    }
    try {
      return { source: item, node: parseWhen(item), index };
    } catch (error) {
      if (error instanceof WhenSyntaxError) Object.assign(error, { index });
      throw error;
    }
  });
}

/** The first condition that is false, or undefined when all hold. */
export function firstFalse(conditions: readonly Condition[], lookup: Lookup): Condition | undefined {
  for (const condition of conditions) {
    try {
      if (!evaluateWhen(condition.node, lookup)) return condition;
    } catch (error) {
      if (error instanceof WhenEvalError) Object.assign(error, { index: condition.index, source: condition.source });
      throw error;
    }
  }
  return undefined;
}
