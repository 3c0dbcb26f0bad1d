/**
 * Secrets travel through compile, plans and output as placeholders, never as values.
 *
 * `!secret NAME` in YAML (and any parameter that is secret by nature, such as a
 * BGP password) becomes the token `@@secret(NAME)@@` inside strings. Compiled
 * plans, plan files and JSON keep the token. Only the engine, right before a
 * script leaves for a host, swaps tokens for values (`reveal`); everything a host
 * sends back is passed through `redact` before anyone sees it.
 */
import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { UserError } from '../errors/index.ts';

const TOKEN = /@@secret\(([A-Za-z0-9_.:-]+)\)@@/g;
const NAME = /^[A-Za-z0-9_.:-]+$/;

export function isSecretName(name: string): boolean {
  return NAME.test(name);
}

/** The placeholder that stands for a secret in every string zonectl keeps. */
export function secretToken(name: string): string {
  if (!NAME.test(name)) throw new UserError(`invalid secret name ${JSON.stringify(name)}`, undefined, 'letters, digits, _ . : -');
  return `@@secret(${name})@@`;
}

/** Names of the secrets a string refers to. */
export function secretNames(text: string): string[] {
  return [...text.matchAll(TOKEN)].map((m) => m[1] as string);
}

export function containsSecret(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('@@secret(');
  if (Array.isArray(value)) return value.some(containsSecret);
  if (value && typeof value === 'object') return Object.values(value).some(containsSecret);
  return false;
}

/** What a secret looks like in anything printed. */
export function redactedLabel(name: string): string {
  return name.startsWith('inline:') ? '<secret>' : `<secret:${name}>`;
}

/**
 * A literal value in a parameter that is secret by nature gets an inline name,
 * numbered by its first appearance in the compile: `inline:1`, `inline:2`, ….
 * Equal literals share a name; the name tells nothing about the value (a hash
 * of it would let anyone holding a plan file guess weak passwords offline),
 * and the same inputs still compile to the same bytes.
 * `known`: this compile's inline secrets so far (name → value); a new name is added to it.
 */
export function inlineSecretName(value: string, known: Map<string, string>): string {
  for (const [name, v] of known) if (v === value) return name;
  let n = known.size + 1;
  while (known.has(`inline:${n}`)) n++;
  const name = `inline:${n}`;
  known.set(name, value);
  return name;
}

/**
 * Where secret values come from at run time: `ZONECTL_SECRET_<NAME>` in the
 * environment (name upper-cased, `.`/`-`/`:` as `_`), or a YAML secrets file of
 * `name: value`, or inline values registered while compiling.
 */
export class SecretStore {
  private readonly values = new Map<string, string>();
  private readonly env: NodeJS.ProcessEnv;
  /** Every known value, longest first; made on first use (redact runs for every probe output). */
  private known: [string, string][] | undefined;

  constructor(env: NodeJS.ProcessEnv = process.env) {
    this.env = env;
  }

  static envName(name: string): string {
    return `ZONECTL_SECRET_${name.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}`;
  }

  loadFile(path: string): void {
    let data: unknown;
    try {
      data = yaml.load(readFileSync(path, 'utf8'));
    } catch (error) {
      // js-yaml's message quotes the file's lines, values included: give only what and where.
      const e = error as Error & { reason?: string; mark?: { line: number; column: number } };
      if (e.reason !== undefined && e.mark) {
        throw new UserError(`cannot read secrets file: invalid YAML: ${e.reason}`, { file: path, line: e.mark.line + 1, col: e.mark.column + 1 });
      }
      throw new UserError(`cannot read secrets file: ${e.message}`, { file: path, line: 1, col: 1 });
    }
    if (!data || typeof data !== 'object' || Array.isArray(data)) {
      throw new UserError('a secrets file must be a mapping of name: value', { file: path, line: 1, col: 1 });
    }
    for (const [key, value] of Object.entries(data as Record<string, unknown>)) {
      if (typeof value !== 'string' && typeof value !== 'number') {
        throw new UserError(`secret ${key} must be a string`, { file: path, line: 1, col: 1 });
      }
      this.values.set(key, String(value));
    }
    this.known = undefined;
  }

  set(name: string, value: string): void {
    this.values.set(name, value);
    this.known = undefined;
  }

  has(name: string): boolean {
    return this.values.has(name) || this.env[SecretStore.envName(name)] !== undefined;
  }

  get(name: string): string {
    const value = this.values.get(name) ?? this.env[SecretStore.envName(name)];
    if (value === undefined) {
      const hint = name.startsWith('inline:')
        ? 'a literal secret is not stored in a plan file; use !secret NAME for values a saved plan must apply'
        : `set ${SecretStore.envName(name)} or give --secrets FILE`;
      throw new UserError(`secret ${name} has no value`, undefined, hint);
    }
    return value;
  }

  /** Swaps every placeholder for its value: only for text about to be sent to a host. */
  reveal(text: string): string {
    return text.replace(TOKEN, (_m, name: string) => this.get(name));
  }

  /** Deeply reveals every string in a value (params about to be used by a module). */
  revealDeep<T>(value: T): T {
    if (typeof value === 'string') return this.reveal(value) as T;
    // What holds no placeholder is returned as it is, not copied: most params have none.
    if (Array.isArray(value)) {
      const out = value.map((v: unknown) => this.revealDeep(v));
      return (out.some((v, i) => v !== value[i]) ? out : value) as T;
    }
    if (value && typeof value === 'object') {
      const entries = Object.entries(value);
      const out = entries.map(([k, v]) => [k, this.revealDeep(v)] as const);
      return (out.some(([, v], i) => v !== entries[i]?.[1]) ? Object.fromEntries(out) : value) as T;
    }
    return value;
  }

  /** Replaces every known secret value (and placeholder) in text with its label. */
  redact(text: string): string {
    let out = text.replace(TOKEN, (_m, name: string) => redactedLabel(name));
    // Longest first, so a secret that contains another is hidden whole. Reading
    // process.env is slow (every key is a call into the C++ side): once per run.
    this.known ??= [...this.knownValues()].sort((a, b) => b[1].length - a[1].length);
    for (const [name, value] of this.known) {
      if (value.length > 0) out = out.split(value).join(redactedLabel(name));
    }
    return out;
  }

  private *knownValues(): Iterable<[string, string]> {
    yield* this.values;
    for (const [key, value] of Object.entries(this.env)) {
      if (key.startsWith('ZONECTL_SECRET_') && value) yield [key.slice('ZONECTL_SECRET_'.length).toLowerCase(), value];
    }
  }
}

/** Redacts placeholders only (when no values are known, e.g. offline compile output). */
export function redactTokens(text: string): string {
  return text.replace(TOKEN, (_m, name: string) => redactedLabel(name));
}
