/**
 * Module parameters after templating: the module's zod schema, with every
 * issue turned into `file:line:col: <module>.<param>: <what is wrong> (<what
 * is allowed>)` at the offending parameter; and parameters that are secret by
 * nature turned into placeholders.
 */
import { z, type ZodIssue, type ZodTypeAny } from 'zod';
import { UserError, type SourceLocation } from '../errors/index.ts';
import { isSecretVariable } from '../inventory/render.ts';
import type { ModuleDefinition } from '../modules/contract.ts';
import { closest } from '../playbook/suggest.ts';
import { inlineSecretName, secretToken } from '../secrets/index.ts';

export type ParamPath = readonly (string | number)[];

export interface ParamLocator {
  /** Where the value at `path` (inside the module's params) is written. */
  value(path: ParamPath): SourceLocation;
  /** Where the key of the last segment of `path` is written. */
  key(path: ParamPath): SourceLocation;
}

export function paramName(module: string, path: ParamPath): string {
  let out = module;
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : `.${part}`;
  return out;
}

/** Validates params; returns the schema's output or the located errors. */
export function validateParams(module: ModuleDefinition, params: unknown, where: ParamLocator): { ok: true; value: unknown } | { ok: false; errors: UserError[] } {
  const result = module.schema.safeParse(params);
  if (result.success) return { ok: true, value: result.data };
  const errors: UserError[] = [];
  for (const issue of flatten(result.error.issues)) errors.push(...issueErrors(module, issue, params, where));
  return { ok: false, errors };
}

/** A union's error is the branch that got furthest (the operator's likely intent). */
function flatten(issues: readonly ZodIssue[]): ZodIssue[] {
  const out: ZodIssue[] = [];
  for (const issue of issues) {
    if (issue.code === 'invalid_union' && issue.unionErrors.length > 0) {
      const depth = (e: z.ZodError): number => Math.max(...e.issues.map((i) => i.path.length));
      const best = [...issue.unionErrors].sort((a, b) => depth(b) - depth(a))[0] as z.ZodError;
      // Branches that all fail at the value itself say nothing better than the union's own message.
      if (depth(best) > issue.path.length) {
        out.push(...flatten(best.issues));
        continue;
      }
    }
    out.push(issue);
  }
  return out;
}

function issueErrors(module: ModuleDefinition, issue: ZodIssue, params: unknown, where: ParamLocator): UserError[] {
  const name = paramName(module.name, issue.path);
  if (issue.code === 'unrecognized_keys') {
    const allowed = keysAt(module.schema, issue.path);
    return issue.keys.map((key) => {
      const near = allowed.length > 0 ? closest(key, allowed) : undefined;
      const hint = near ? `did you mean '${near}'?` : allowed.length > 0 ? `allowed: ${allowed.join(', ')}` : undefined;
      return new UserError(`${paramName(module.name, [...issue.path, key])}: unknown parameter`, where.key([...issue.path, key]), hint);
    });
  }
  if (issue.code === 'invalid_type') {
    if (issue.received === 'undefined') {
      return [new UserError(`${name}: missing`, where.key(issue.path), `required: ${typeWords(issue.expected)}`)];
    }
    if (issue.message.startsWith('Expected ')) {
      return [new UserError(`${name}: got ${typeWords(issue.received)}`, where.value(issue.path), `expected ${typeWords(issue.expected)}`)];
    }
  }
  if (issue.code === 'invalid_enum_value') {
    const options = issue.options.map(String);
    const near = typeof issue.received === 'string' ? closest(issue.received, options) : undefined;
    return [
      new UserError(`${name}: ${isSecretPath(module, issue.path) ? 'invalid value' : `got ${JSON.stringify(issue.received)}`}`, where.value(issue.path), `${near ? `did you mean '${near}'? ` : ''}one of: ${options.join(', ')}`),
    ];
  }
  if (issue.code === 'invalid_literal') {
    return [new UserError(`${name}: must be ${JSON.stringify(issue.expected)}`, where.value(issue.path))];
  }
  // Module-written messages already say what is wrong and what is allowed.
  return [new UserError(`${name}: ${withoutOwnName(lowerFirst(issue.message), issue.path)}`, issue.path.length > 0 ? where.value(issue.path) : where.key([]))];
}

/** "mode must be octal" after "file.mode:" reads better as "must be octal". */
function withoutOwnName(message: string, path: ParamPath): string {
  const last = path.at(-1);
  return typeof last === 'string' && message.startsWith(`${last} `) ? message.slice(last.length + 1) : message;
}

function lowerFirst(message: string): string {
  // zod's own wording ("String must contain…") reads better in lower case after the name.
  return /^[A-Z][a-z]/.test(message) ? message[0]!.toLowerCase() + message.slice(1) : message;
}

function typeWords(type: string): string {
  const words: Record<string, string> = {
    string: 'a string',
    number: 'a number',
    integer: 'a whole number',
    boolean: 'true or false',
    object: 'a mapping',
    array: 'a list',
    null: 'null',
    undefined: 'nothing',
    float: 'a number',
  };
  return words[type] ?? type;
}

/** The keys an object schema allows at `path` (unwrapping optional/default/effects). */
export function keysAt(schema: ZodTypeAny, path: ParamPath): string[] {
  let node: ZodTypeAny | undefined = unwrap(schema);
  for (const part of path) {
    if (!node) return [];
    if (node instanceof z.ZodObject) node = unwrap((node.shape as Record<string, ZodTypeAny>)[String(part)]);
    else if (node instanceof z.ZodArray) node = unwrap(node.element as ZodTypeAny);
    else if (node instanceof z.ZodRecord) node = unwrap(node.valueSchema as ZodTypeAny);
    else return [];
  }
  return node instanceof z.ZodObject ? Object.keys(node.shape as object) : [];
}

function unwrap(schema: ZodTypeAny | undefined): ZodTypeAny | undefined {
  let node = schema;
  for (let i = 0; i < 20 && node; i++) {
    if (node instanceof z.ZodEffects) node = node.innerType() as ZodTypeAny;
    else if (node instanceof z.ZodOptional || node instanceof z.ZodNullable) node = node.unwrap() as ZodTypeAny;
    else if (node instanceof z.ZodDefault) node = node._def.innerType as ZodTypeAny;
    else if (node instanceof z.ZodLazy) node = node.schema as ZodTypeAny;
    else break;
  }
  return node;
}

function matches(pattern: readonly string[], path: ParamPath): boolean {
  return pattern.length === path.length && pattern.every((p, i) => p === '*' || p === String(path[i]));
}

function isSecretPath(module: ModuleDefinition, path: ParamPath): boolean {
  return (module.secretParams ?? []).some((p) => {
    const parts = p.split('.');
    return path.length >= parts.length && matches(parts, path.slice(0, parts.length));
  });
}

/**
 * Replaces literal values at the module's secret paths with inline secret
 * placeholders, remembering the values; values that already are (or hold) a
 * placeholder are left as they are.
 */
export function protectSecretParams(module: ModuleDefinition, params: unknown, found: Map<string, string>): unknown {
  const patterns = (module.secretParams ?? []).map((p) => p.split('.'));
  if (patterns.length === 0) return params;
  const walk = (value: unknown, path: (string | number)[]): unknown => {
    if (patterns.some((p) => matches(p, path))) return protect(value, found);
    if (!patterns.some((p) => p.length > path.length && matches(p.slice(0, path.length), path))) return value;
    if (Array.isArray(value)) return value.map((item, i) => walk(item, [...path, i]));
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, [...path, k])]));
    }
    return value;
  };
  return walk(params, []);
}

/**
 * Inventory and `-e` variables that are secret by their name (`bgp_password`,
 * `api_token`, … — what `zonectl inventory` redacts) with a literal string
 * value become inline secrets too, so the value never reaches the plan, a
 * listing, a diff or a plan file. A `{{ … }}` value is left to be rendered.
 */
export function protectSecretVars(vars: Record<string, unknown>, found: Map<string, string>): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  for (const [name, value] of Object.entries(vars)) {
    if (typeof value !== 'string' || !isSecretVariable(name) || value.includes('{{')) continue;
    out ??= { ...vars };
    out[name] = protect(value, found);
  }
  return out ?? vars;
}

function protect(value: unknown, found: Map<string, string>): unknown {
  if (typeof value === 'string') {
    if (value === '' || value.includes('@@secret(')) return value;
    return secretToken(inlineSecretName(value, found));
  }
  if (typeof value === 'number') return protect(String(value), found);
  if (Array.isArray(value)) return value.map((v) => protect(v, found));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, protect(v, found)]));
  }
  return value;
}

/**
 * Hides every known inline secret value wherever else it appears in the plan
 * (say a password also written into a rendered file). Values shorter than 4
 * characters are left alone: replacing them everywhere would mangle the plan.
 */
export function hideSecretValues<T>(value: T, secrets: ReadonlyMap<string, string>): T {
  const known = [...secrets].filter(([, v]) => v.length >= 4).sort((a, b) => b[1].length - a[1].length);
  if (known.length === 0) return value;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      let out = v;
      for (const [name, secret] of known) if (out.includes(secret)) out = out.split(secret).join(secretToken(name));
      return out;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, walk(item)]));
    return v;
  };
  return walk(value) as T;
}
