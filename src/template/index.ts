/**
 * Handlebars templating for playbook values and template files.
 *
 * - `renderValue` renders every string inside a value, recursively. A string
 *   that is exactly one `{{ expression }}` keeps the expression's native type
 *   (a list stays a list, a number a number), so `loop: "{{ groups.kvm }}"` works.
 * - Variables come from a `Variables` source that resolves them lazily, so a
 *   variable may refer to another one (the source detects cycles).
 * - An undefined variable is always an error that names it. `default` (and
 *   `#if`/`#unless`) are the ways to accept a missing value.
 *
 * Strings without blocks (`{{#each}}`, `{{#if}}`) are evaluated directly from
 * handlebars' own parse tree with the helpers in ./helpers.ts; strings with
 * blocks run through handlebars' runtime in strict mode. Every template is
 * parsed once and cached by its text.
 */
import * as HandlebarsModule from 'handlebars';
import { didYouMean } from '../playbook/suggest.ts';
import { BLOCK_HELPERS, CONTEXT_HELPERS, HELPERS, helperNames, HelperError, lookupOrUndefined, OPTIONAL_LOOKUP, TOLERATES_UNDEFINED } from './helpers.ts';
import { describe } from './cidr.ts';

/** Returned by `Variables.lookup` for a name that is not defined. */
export const MISSING: unique symbol = Symbol('missing variable');

export interface Variables {
  /** The (rendered) value of a top-level variable, or MISSING. May throw its own located errors. */
  lookup(name: string): unknown;
}

/** A problem inside one template string; the caller adds the file:line:col of the string. */
export class TemplateError extends Error {
  /** Where inside the template (1-based), when known. */
  line: number | undefined;
  col: number | undefined;
  /** Path inside the rendered value (for renderValue): where the bad string sits. */
  path: (string | number)[] = [];
  hint: string | undefined;
  /** The undefined variable, for "undefined variable" errors. */
  variable: string | undefined;
  /** A syntax error: wrong for every host alike. */
  syntax = false;
  constructor(message: string, options: { line?: number; col?: number; hint?: string; variable?: string } = {}) {
    super(message);
    this.name = 'TemplateError';
    this.line = options.line;
    this.col = options.col;
    this.hint = options.hint;
    this.variable = options.variable;
  }
}

type Node = hbs.AST.Node;
type Expr = hbs.AST.Expression;
type Mustache = hbs.AST.MustacheStatement;

interface RootRef {
  parts: string[];
  optional: boolean;
  line: number;
  col: number;
}

type Compiled =
  | { kind: 'native'; expr: Mustache }
  | { kind: 'simple'; parts: (string | Mustache)[] }
  | { kind: 'runtime'; fn: HandlebarsTemplateDelegate; refs: RootRef[] };

// handlebars is CommonJS: under ESM its API is the default export.
const Handlebars = ((HandlebarsModule as unknown as { default?: typeof HandlebarsModule }).default ?? HandlebarsModule);
const env = Handlebars.create();
for (const [name, fn] of Object.entries(HELPERS)) {
  // ours replaces handlebars' own `lookup`, which renders a missing key as nothing
  env.registerHelper(name, (...args: unknown[]) => fn(...args.slice(0, -1)));
}
env.registerHelper(OPTIONAL_LOOKUP, (...args: unknown[]) => lookupOrUndefined(args[0], args[1]));

const valueCache = new Map<string, Compiled>();
const textCache = new Map<string, Compiled>();

/** Whether a value holds any `{{` at all (only those need rendering). */
export function hasTemplate(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('{{');
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) {
    for (const item of value) if (hasTemplate(item)) return true;
    return false;
  }
  for (const key of Object.keys(value)) if (hasTemplate((value as Record<string, unknown>)[key])) return true;
  return false;
}

/** Renders one string; keeps the native type when it is exactly one `{{ expression }}`. */
export function renderString(text: string, vars: Variables): unknown {
  if (!text.includes('{{')) return text;
  return run(compile(text, valueCache, true), vars);
}

/** Renders text that must stay text (a template file): never native. */
export function renderText(text: string, vars: Variables): string {
  if (!text.includes('{{')) return text;
  return run(compile(text, textCache, false), vars) as string;
}

/** Renders every string inside a value; a TemplateError's `path` says which string failed. */
export function renderValue(value: unknown, vars: Variables): unknown {
  if (!hasTemplate(value)) return value;
  const path: (string | number)[] = [];
  try {
    return renderIn(value, vars, path);
  } catch (error) {
    if (error instanceof TemplateError) error.path = [...path, ...error.path];
    throw error;
  }
}

/** Renders recursively; `path` tracks where it is, so a failure can say which string. */
function renderIn(value: unknown, vars: Variables, path: (string | number)[]): unknown {
  if (typeof value === 'string') return renderString(value, vars);
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      out.push(renderIn(value[i], vars, path));
      path.pop();
    }
    return out;
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      path.push(key);
      out[key] = renderIn((value as Record<string, unknown>)[key], vars, path);
      path.pop();
    }
    return out;
  }
  return value;
}

function compile(text: string, cache: Map<string, Compiled>, native: boolean): Compiled {
  const cached = cache.get(text);
  if (cached) return cached;
  let ast: hbs.AST.Program;
  try {
    ast = Handlebars.parse(text);
  } catch (error) {
    throw parseError(error);
  }
  const compiled = classify(ast, text, native);
  cache.set(text, compiled);
  return compiled;
}

function parseError(error: unknown): TemplateError {
  // handlebars says: "Parse error on line N:\n<excerpt>\n-----^\nExpecting …, got 'X'"
  const lines = (error as Error).message.split('\n');
  const line = /on line (\d+)/.exec(lines[0] ?? '');
  const excerpt = lines[1] ?? '';
  const caret = (lines[2] ?? '').indexOf('^');
  const got = /got '([A-Z_]+)'/.exec(lines[3] ?? '')?.[1];
  const near = caret >= 0 ? excerpt.slice(caret).trim() : '';
  const hint =
    got === 'NUMBER'
      ? 'a list item is written list.[0]'
      : got === 'EOF'
        ? 'every {{ needs its }} and every {{#block}} its {{/block}}'
        : 'inside {{ }}: a name, a "string", a number, or a helper call like {{ add mtu 50 }}; conditions belong in when:';
  const message = near ? `template syntax error at ${JSON.stringify(near)}` : 'template syntax error';
  const parsed = new TemplateError(message, { hint, ...(line ? { line: Number(line[1]) } : {}) });
  parsed.syntax = true;
  return parsed;
}

function classify(ast: hbs.AST.Program, text: string, native: boolean): Compiled {
  const body = ast.body;
  const meaningful = body.filter((s) => !(s.type === 'ContentStatement' && (s as hbs.AST.ContentStatement).value.trim() === ''));
  if (native && meaningful.length === 1 && meaningful[0]?.type === 'MustacheStatement') {
    return { kind: 'native', expr: meaningful[0] as Mustache };
  }
  if (body.every((s) => s.type === 'ContentStatement' || s.type === 'MustacheStatement' || s.type === 'CommentStatement')) {
    const parts: (string | Mustache)[] = [];
    for (const s of body) {
      if (s.type === 'ContentStatement') parts.push((s as hbs.AST.ContentStatement).value);
      else if (s.type === 'MustacheStatement') parts.push(s as Mustache);
    }
    return { kind: 'simple', parts };
  }
  const refs: RootRef[] = [];
  collectRefs(ast, 0, new Set(), refs);
  optionalLookups(ast);
  return { kind: 'runtime', fn: env.compile(ast, { noEscape: true, strict: true }), refs };
}

function run(compiled: Compiled, vars: Variables): unknown {
  try {
    if (compiled.kind === 'native') return evaluate(compiled.expr, vars);
    if (compiled.kind === 'simple') {
      let out = '';
      for (const part of compiled.parts) out += typeof part === 'string' ? part : toText(evaluate(part, vars), part);
      return out;
    }
    return runRuntime(compiled, vars);
  } catch (error) {
    if (error instanceof HelperError) throw new TemplateError(error.message);
    throw error;
  }
}

function toText(value: unknown, at: Node): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map((v) => toText(v, at)).join(',');
  if (typeof value === 'object') {
    throw new TemplateError('a mapping cannot be put inside text', { ...position(at), hint: 'use {{ json value }} or pick a field' });
  }
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  throw new TemplateError(`a ${typeof value} cannot be put inside text`, position(at));
}

function position(node: Node): { line: number; col: number } {
  return { line: node.loc.start.line, col: node.loc.start.column + 1 };
}

function undefinedVariable(name: string, at: Node): TemplateError {
  return new TemplateError(`undefined variable '${name}'`, { ...position(at), variable: name });
}

/** Evaluates a mustache, sub-expression or parameter with native types. */
function evaluate(node: Expr | Mustache | hbs.AST.SubExpression, vars: Variables, optional = false): unknown {
  switch (node.type) {
    case 'StringLiteral':
    case 'NumberLiteral':
    case 'BooleanLiteral':
      return (node as hbs.AST.StringLiteral).value;
    case 'UndefinedLiteral':
      return undefined;
    case 'NullLiteral':
      return null;
    case 'PathExpression':
      return resolvePath(node as hbs.AST.PathExpression, vars, optional);
    case 'MustacheStatement':
    case 'SubExpression': {
      const call = node as Mustache;
      const head = call.path;
      const helper = head.type === 'PathExpression' ? helperOf(head as hbs.AST.PathExpression) : undefined;
      if (call.params.length === 0 && (!call.hash || call.hash.pairs.length === 0) && !helper) {
        return evaluate(head, vars, optional);
      }
      const name = head.type === 'PathExpression' ? (head as hbs.AST.PathExpression).original : String((head as hbs.AST.StringLiteral).value);
      if (!helper) {
        const hint = didYouMean(name, helperNames());
        throw new TemplateError(`unknown helper '${name}'`, { ...position(call), hint: hint ?? `helpers: ${helperNames().join(', ')}` });
      }
      if (call.hash && call.hash.pairs.length > 0) {
        throw new TemplateError(`helper '${name}' takes no name=value options`, position(call));
      }
      const args: unknown[] = [];
      for (let i = 0; i < call.params.length; i++) args.push(evaluate(call.params[i] as Expr, vars, i === 0 && TOLERATES_UNDEFINED.has(name)));
      // `default (lookup m k) x`: a missing key is what default is for
      if (optional && name === 'lookup' && args.length === 2) return lookupOrUndefined(args[0], args[1]);
      return helper(...args);
    }
    default:
      throw new TemplateError(`unsupported template expression (${node.type})`, position(node));
  }
}

function helperOf(path: hbs.AST.PathExpression): ((...args: unknown[]) => unknown) | undefined {
  if (path.data || path.depth > 0 || path.parts.length !== 1) return undefined;
  const name = path.parts[0] as string;
  if (BLOCK_HELPERS.has(name)) {
    throw new TemplateError(`'${name}' is a block helper`, { ...position(path), hint: `write {{#${name} …}}…{{/${name}}}` });
  }
  return Object.prototype.hasOwnProperty.call(HELPERS, name) ? HELPERS[name] : undefined;
}

function resolvePath(path: hbs.AST.PathExpression, vars: Variables, optional: boolean): unknown {
  let parts = path.parts;
  if (path.data) {
    if (parts[0] !== 'root') {
      throw new TemplateError(`@${parts.join('.')} only exists inside a block`, { ...position(path), hint: 'e.g. {{#each list}}{{@index}}{{/each}}' });
    }
    parts = parts.slice(1);
  }
  if (parts.length === 0 || path.depth > 0) {
    throw new TemplateError(`'${path.original}' only makes sense inside a block`, { ...position(path), hint: 'name a variable, e.g. {{ mtu }}' });
  }
  return walkPath(parts, vars, optional, path);
}

function walkPath(parts: readonly string[], vars: Variables, optional: boolean, at: Node): unknown {
  let value = vars.lookup(parts[0] as string);
  if (value === MISSING) {
    if (optional) return undefined;
    throw undefinedVariable(parts[0] as string, at);
  }
  for (let i = 1; i < parts.length; i++) {
    const key = parts[i] as string;
    if (value !== null && typeof value === 'object' && Object.prototype.hasOwnProperty.call(value, key)) {
      value = (value as Record<string, unknown>)[key];
      continue;
    }
    if (optional) return undefined;
    const name = parts.slice(0, i + 1).join('.');
    const error = undefinedVariable(name, at);
    // Strings are not shown: a variable may hold a password.
    if (value === null || typeof value !== 'object') error.hint = `${parts.slice(0, i).join('.')} is ${typeof value === 'string' ? 'a string' : describe(value)}`;
    throw error;
  }
  return value;
}

/**
 * For handlebars' runtime: `lookup` as the first argument of default, if or
 * unless becomes the lookup where a missing value is fine (what the direct
 * evaluator does with its `optional` flag).
 */
function optionalLookups(node: Node | undefined): void {
  if (!node) return;
  if (node.type === 'Program') {
    for (const s of (node as hbs.AST.Program).body) optionalLookups(s);
    return;
  }
  if (node.type !== 'MustacheStatement' && node.type !== 'SubExpression' && node.type !== 'BlockStatement') return;
  const call = node as hbs.AST.BlockStatement;
  const name = call.path.type === 'PathExpression' ? (call.path).original : '';
  const first = call.params[0];
  if (TOLERATES_UNDEFINED.has(name) && first?.type === 'SubExpression') {
    const path = (first as hbs.AST.SubExpression).path;
    if (path.type === 'PathExpression' && path.original === 'lookup' && (first as hbs.AST.SubExpression).params.length === 2) {
      path.original = OPTIONAL_LOOKUP;
      path.parts = [OPTIONAL_LOOKUP];
      // newer handlebars ASTs also carry the first part as `head`
      if ('head' in path) (path as unknown as { head: string }).head = OPTIONAL_LOOKUP;
    }
  }
  for (const p of call.params) optionalLookups(p);
  for (const pair of call.hash?.pairs ?? []) optionalLookups(pair.value);
  if (node.type === 'BlockStatement') {
    optionalLookups(call.program);
    optionalLookups(call.inverse);
  }
}

/**
 * Paths that refer to the root context: at depth 0 outside context-changing
 * blocks, `../` back to the root inside them, or `@root.x`.
 */
function collectRefs(node: Node | undefined, depth: number, blockParams: ReadonlySet<string>, out: RootRef[], optional = false): void {
  if (!node) return;
  switch (node.type) {
    case 'Program': {
      const program = node as hbs.AST.Program;
      for (const s of program.body) collectRefs(s, depth, blockParams, out);
      return;
    }
    case 'MustacheStatement':
    case 'SubExpression':
    case 'BlockStatement': {
      const call = node as hbs.AST.BlockStatement;
      const head = call.path as Expr;
      const name = head.type === 'PathExpression' ? (head as hbs.AST.PathExpression).original : '';
      const isHelper = call.params.length > 0 || (call.hash?.pairs.length ?? 0) > 0 || Object.prototype.hasOwnProperty.call(HELPERS, name) || node.type === 'BlockStatement';
      if (!isHelper) collectRefs(head, depth, blockParams, out, optional);
      call.params.forEach((p, i) => collectRefs(p, depth, blockParams, out, i === 0 && TOLERATES_UNDEFINED.has(name)));
      for (const pair of call.hash?.pairs ?? []) collectRefs(pair.value, depth, blockParams, out);
      if (node.type === 'BlockStatement') {
        const inner = CONTEXT_HELPERS.has(name) ? depth + 1 : depth;
        const params = new Set([...blockParams, ...(call.program?.blockParams ?? [])]);
        collectRefs(call.program, inner, params, out);
        collectRefs(call.inverse, depth, blockParams, out);
      }
      return;
    }
    case 'PathExpression': {
      const path = node as hbs.AST.PathExpression;
      if (path.data) {
        if (path.parts[0] === 'root' && path.parts.length > 1) out.push({ parts: path.parts.slice(1), optional, ...position(path) });
        return;
      }
      if (path.depth !== depth || path.parts.length === 0) return;
      if (depth === 0 && blockParams.has(path.parts[0] as string)) return;
      out.push({ parts: path.parts, optional, ...position(path) });
      return;
    }
    default:
      return;
  }
}

function runRuntime(compiled: Extract<Compiled, { kind: 'runtime' }>, vars: Variables): string {
  // A plain object: handlebars compares contexts with `!=`, which a null-prototype object cannot take part in.
  const context: Record<string, unknown> = {};
  for (const ref of compiled.refs) {
    const name = ref.parts[0] as string;
    const at = { loc: { start: { line: ref.line, column: ref.col - 1 } } } as Node;
    if (!ref.optional) walkPath(ref.parts, vars, false, at);
    if (Object.prototype.hasOwnProperty.call(context, name)) continue;
    const value = vars.lookup(name);
    if (value !== MISSING) context[name] = value;
  }
  try {
    return compiled.fn(context);
  } catch (error) {
    if (error instanceof TemplateError || !(error instanceof Error) || error.name === 'UserError' || error.name === 'UserErrors') throw error;
    if (error instanceof HelperError) throw new TemplateError(error.message);
    const strict = /^"(.+)" not defined in .* - (\d+):(\d+)$/.exec(error.message);
    if (strict) {
      return raise(new TemplateError(`undefined variable '${strict[1]}'`, { line: Number(strict[2]), col: Number(strict[3]) + 1, variable: strict[1] as string }));
    }
    // Strict mode looking a name up in a block's `this` that is a number or a string.
    const inScalar = /^Cannot use 'in' operator to search for '(.+)' in /.exec(error.message);
    if (inScalar) {
      return raise(new TemplateError(`undefined variable '${inScalar[1]}'`, { variable: inScalar[1] as string, hint: "inside this block, 'this' is not a mapping" }));
    }
    const missingHelper = /^Missing helper: "(.+)"$/.exec(error.message);
    if (missingHelper) {
      const hint = didYouMean(missingHelper[1] as string, helperNames());
      return raise(new TemplateError(`unknown helper '${missingHelper[1]}'`, { hint: hint ?? `helpers: ${helperNames().join(', ')}` }));
    }
    return raise(new TemplateError(error.message));
  }
}

function raise(error: TemplateError): never {
  throw error;
}
