/**
 * Variables as a task sees them: layers in precedence order (highest first)
 * plus magic variables, resolved lazily. A value holding templates is
 * rendered the first time it is used, in the same scope, so variables may
 * refer to each other; a variable that (indirectly) refers to itself is an
 * error naming the chain.
 */
import { UserError, type SourceLocation } from '../errors/index.ts';
import { hasTemplate, MISSING, renderValue, TemplateError, type Variables } from '../template/index.ts';
import type { YamlPath } from '../yaml/index.ts';

export interface VarLayer {
  /** For messages: `play vars`, `host kvm01`, `-e`, … */
  label: string;
  vars: Readonly<Record<string, unknown>>;
  /** Where `name` (and the part `path` inside its value) is written. */
  locate(name: string, path: YamlPath): SourceLocation;
}

const own = (object: object, key: string): boolean => Object.prototype.hasOwnProperty.call(object, key);

/** A template error inside a variable's value, placed where that value is written. */
export function locatedTemplateError(error: TemplateError, at: SourceLocation, context?: string): UserError {
  return new UserError(`${error.message}${context ? ` ${context}` : ''}`, at, error.hint);
}

export class Scope implements Variables {
  private readonly cache = new Map<string, unknown>();
  private readonly resolving: string[] = [];

  constructor(
    /** Highest precedence first. */
    private readonly layers: readonly VarLayer[],
    /** Magic variables (inventory_hostname, groups, hostvars, item, …): they win over every layer. */
    private readonly magic: Readonly<Record<string, unknown>>,
  ) {}

  /** A scope with the same layers and more magic variables (a loop item). */
  with(magic: Readonly<Record<string, unknown>>): Scope {
    return new Scope(this.layers, { ...this.magic, ...magic });
  }

  lookup(name: string): unknown {
    if (own(this.magic, name)) return this.magic[name];
    if (this.cache.has(name)) return this.cache.get(name);
    let layer: VarLayer | undefined;
    for (const l of this.layers) {
      if (own(l.vars, name)) {
        layer = l;
        break;
      }
    }
    if (!layer) return MISSING;
    const raw = layer.vars[name];
    if (!hasTemplate(raw)) {
      this.cache.set(name, raw);
      return raw;
    }
    if (this.resolving.includes(name)) {
      const chain = [...this.resolving.slice(this.resolving.indexOf(name)), name].join(' → ');
      throw new UserError(`variable '${name}' refers to itself (${chain})`, layer.locate(name, []), 'break the cycle: one of them needs a plain value');
    }
    this.resolving.push(name);
    try {
      const value = renderValue(raw, this);
      this.cache.set(name, value);
      return value;
    } catch (error) {
      if (error instanceof TemplateError) throw locatedTemplateError(error, layer.locate(name, error.path), `in the value of '${name}' (${layer.label})`);
      throw error;
    } finally {
      this.resolving.pop();
    }
  }

  /** Every variable name visible here (for `hostvars`), magic included. */
  names(): string[] {
    const names = new Set<string>(Object.keys(this.magic));
    for (const layer of this.layers) for (const key of Object.keys(layer.vars)) names.add(key);
    return [...names].sort();
  }
}

/**
 * `hostvars`: host name → that host's inventory variables (plus -e and its
 * magic variables), each rendered lazily in that host's own scope on first
 * use, and shared by every task of the compile.
 */
export function lazyHostvars(hostNames: readonly string[], scopeOf: (host: string) => Scope): Record<string, unknown> {
  const hostvars: Record<string, unknown> = {};
  const views = new Map<string, Record<string, unknown>>();
  for (const host of hostNames) {
    Object.defineProperty(hostvars, host, {
      enumerable: true,
      configurable: false,
      get: () => {
        let view = views.get(host);
        if (!view) {
          view = lazyView(scopeOf(host));
          views.set(host, view);
        }
        return view;
      },
    });
  }
  return hostvars;
}

/** An object whose properties resolve the scope's variables on first read. */
export function lazyView(scope: Scope): Record<string, unknown> {
  const view: Record<string, unknown> = {};
  for (const name of scope.names()) {
    Object.defineProperty(view, name, { enumerable: true, configurable: false, get: () => scope.lookup(name) });
  }
  return view;
}
