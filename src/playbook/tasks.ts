/**
 * One task (or handler) mapping → TaskDef: exactly one module key, known
 * keywords only, `when` parsed, everything else kept raw for per-host templating.
 */
import type { ErrorCollector, SourceLocation } from '../errors/index.ts';
import { parseConditions, WhenSyntaxError, WhenTypeError, type Condition } from '../when/index.ts';
import type { YamlDocument, YamlPath } from '../yaml/index.ts';
import { closest } from './suggest.ts';
import type { RoleUse, TaskDef, VarsSource } from './types.ts';
import { isMapping, stringList } from './values.ts';

export const TASK_KEYWORDS = ['name', 'when', 'loop', 'notify', 'tags', 'vars'] as const;
export const HANDLER_KEYWORDS = [...TASK_KEYWORDS, 'listen'] as const;

/** Ansible task keywords zonectl does not have, and what to do instead. */
const ANSIBLE_ONLY: Readonly<Record<string, string>> = {
  block: 'list the tasks directly; use when: on each',
  rescue: 'a failed task stops its host; there is no rescue',
  always: 'a failed task stops its host; there is no always',
  include_tasks: 'list the tasks directly or put them in a role',
  import_tasks: 'list the tasks directly or put them in a role',
  include_role: 'list the role under the play\'s roles:',
  import_role: 'list the role under the play\'s roles:',
  with_items: 'use loop:',
  loop_control: 'the loop variable is always item',
  register: 'tasks do not return values; compile resolves everything before the run',
  set_fact: 'set variables with vars: on the play or the task',
  debug: 'zonectl compile shows every resolved value',
  changed_when: 'a module reports a change exactly when its probe differs from the desired state',
  failed_when: 'a task fails when its commands fail',
  ignore_errors: 'a failed task stops its host',
  delegate_to: 'write the task in a play for the other host',
  become: 'set become per host in the inventory',
};

export interface ModuleNames {
  isModule(name: string): boolean;
  names(): string[];
}

export interface TaskContext {
  errors: ErrorCollector;
  modules: ModuleNames;
  /** Source text of a file by display name, to point at a column inside a `when`. */
  textOf(file: string): string | undefined;
}

/** Parses a list of tasks (or handlers) at `path` in `doc`. */
export function parseTaskList(doc: YamlDocument, path: YamlPath, value: unknown, kind: 'task' | 'handler', role: RoleUse | undefined, ctx: TaskContext): TaskDef[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) {
    ctx.errors.add(`${kind === 'task' ? 'tasks' : 'handlers'} must be a list of ${kind}s`, doc.locate(path));
    return [];
  }
  const out: TaskDef[] = [];
  value.forEach((entry, i) => {
    const task = parseTask(doc, [...path, i], entry, kind, role, ctx);
    if (task) out.push(task);
  });
  return out;
}

function parseTask(doc: YamlDocument, path: YamlPath, raw: unknown, kind: 'task' | 'handler', role: RoleUse | undefined, ctx: TaskContext): TaskDef | undefined {
  const location = doc.locate(path);
  if (!isMapping(raw)) {
    ctx.errors.add(`a ${kind} must be a mapping with a name and one module`, location);
    return undefined;
  }
  const keywords: readonly string[] = kind === 'task' ? TASK_KEYWORDS : HANDLER_KEYWORDS;
  const modules: string[] = [];
  const unknown: string[] = [];
  for (const key of Object.keys(raw)) {
    if (keywords.includes(key)) continue;
    if (ctx.modules.isModule(key)) modules.push(key);
    else unknown.push(key);
  }
  let ok = true;
  for (const key of unknown) {
    ok = false;
    const at = doc.locateKey([...path, key]);
    const instead = ANSIBLE_ONLY[key];
    if (instead !== undefined) {
      ctx.errors.add(`'${key}' is an Ansible keyword zonectl does not support`, at, instead);
      continue;
    }
    const nearKeyword = closest(key, keywords);
    const nearModule = closest(key, ctx.modules.names());
    if (modules.length === 0 && !nearKeyword) {
      ctx.errors.add(`unknown module '${key}'`, at, nearModule ? `did you mean '${nearModule}'?` : `modules: ${ctx.modules.names().join(', ')}`);
    } else {
      const near = nearKeyword ?? nearModule;
      ctx.errors.add(`unknown ${kind} key '${key}'`, at, near ? `did you mean '${near}'?` : `allowed: ${keywords.join(', ')} and one module`);
    }
  }
  if (modules.length > 1) {
    ctx.errors.add(`a ${kind} has exactly one module, this one has ${modules.map((m) => `'${m}'`).join(' and ')}`, doc.locateKey([...path, modules[1] as string]), 'split it into two tasks');
    ok = false;
  }
  if (modules.length === 0 && unknown.length === 0) {
    ctx.errors.add(`${kind} has no module`, location, `modules: ${ctx.modules.names().join(', ')}`);
    ok = false;
  }

  const name = raw.name;
  if (name !== undefined && name !== null && typeof name !== 'string') {
    ctx.errors.add(`name must be a string`, doc.locate([...path, 'name']));
    ok = false;
  }
  const notify = listOf(doc, path, raw, 'notify', ctx);
  const listen = kind === 'handler' ? listOf(doc, path, raw, 'listen', ctx) : [];
  const tags = listOf(doc, path, raw, 'tags', ctx);
  let vars: VarsSource | undefined;
  if (raw.vars !== undefined && raw.vars !== null) {
    if (isMapping(raw.vars)) vars = { label: `${kind} vars`, vars: raw.vars, doc, path: [...path, 'vars'] };
    else {
      ctx.errors.add('vars must be a mapping of name: value', doc.locate([...path, 'vars']));
      ok = false;
    }
  }
  const when = raw.when === undefined || raw.when === null ? [] : parseWhenAt(doc, [...path, 'when'], raw.when, ctx);
  if (when === undefined) ok = false;
  const hasLoop = raw.loop !== undefined;
  if (hasLoop && !Array.isArray(raw.loop) && typeof raw.loop !== 'string') {
    ctx.errors.add('loop must be a list or a template giving one', doc.locate([...path, 'loop']), 'e.g. loop: "{{ groups.hypervisors }}"');
    ok = false;
  }
  if (!ok || notify === undefined || listen === undefined || tags === undefined || when === undefined) return undefined;
  const module = modules[0] as string;
  return {
    doc,
    path,
    location,
    name: typeof name === 'string' ? name : undefined,
    module,
    params: raw[module] ?? {},
    when,
    loop: raw.loop,
    hasLoop,
    notify,
    tags,
    vars,
    listen,
    role,
  };
}

function listOf(doc: YamlDocument, path: YamlPath, raw: Record<string, unknown>, key: string, ctx: TaskContext): string[] | undefined {
  const list = stringList(raw[key], key === 'tags');
  if (list === undefined) {
    ctx.errors.add(`${key} must be a name or a list of names`, doc.locate([...path, key]));
  }
  return list;
}

/** Parses `when` and turns syntax errors into located UserErrors pointing at the bad token. */
export function parseWhenAt(doc: YamlDocument, path: YamlPath, when: unknown, ctx: TaskContext): Condition[] | undefined {
  try {
    return parseConditions(when);
  } catch (error) {
    if (error instanceof WhenTypeError) {
      ctx.errors.add(error.message, doc.locate(error.index === undefined ? path : [...path, error.index]));
      return undefined;
    }
    if (error instanceof WhenSyntaxError) {
      const index = (error as WhenSyntaxError & { index?: number }).index;
      const itemPath = index === undefined ? path : [...path, index];
      const source = String(index === undefined ? when : (when as unknown[])[index]);
      const at = columnInLine(doc.locate(itemPath), source, error.offset, ctx);
      ctx.errors.add(`bad condition ${JSON.stringify(source)}: ${error.message}`, at, error.hint);
      return undefined;
    }
    throw error;
  }
}

/**
 * Points at the character `offset` of an expression written on one line as
 * a plain or quoted scalar; otherwise at the start of the value.
 */
export function columnInLine(at: SourceLocation, expression: string, offset: number, ctx: Pick<TaskContext, 'textOf'>): SourceLocation {
  const text = ctx.textOf(at.file);
  const line = text?.split('\n')[at.line - 1];
  if (line === undefined) return at;
  const start = at.col - 1;
  for (const skip of [0, 1]) {
    if (line.startsWith(expression, start + skip)) return { ...at, col: at.col + skip + offset };
  }
  return at;
}

