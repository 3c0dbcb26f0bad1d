/**
 * One task (or handler) for one host: loop items, `when`, name and params
 * templated, params validated by the module's schema, secret params turned
 * into placeholders, then the module's prepare().
 */
import { join } from 'node:path';
import { isUserError, UserError, type SourceLocation } from '../errors/index.ts';
import type { ModuleDefinition, PrepareContext } from '../modules/contract.ts';
import type { SourceFiles } from '../playbook/sources.ts';
import { columnInLine } from '../playbook/tasks.ts';
import type { TaskDef } from '../playbook/types.ts';
import type { CompiledTask, SkippedTask } from '../plan/types.ts';
import { describe } from '../template/cidr.ts';
import { hasTemplate, renderString, renderText, renderValue, TemplateError } from '../template/index.ts';
import { firstFalse, WhenEvalError } from '../when/index.ts';
import type { YamlPath } from '../yaml/index.ts';
import { HostIndependentError, type HostErrors } from './errors.ts';
import { paramName, protectSecretParams, validateParams, type ParamLocator } from './params.ts';
import { lazyView, type Scope, type VarLayer } from './scope.ts';

/** What stays the same for a task across hosts (computed once). */
export interface TaskPlan {
  id: string;
  task: TaskDef;
  module: ModuleDefinition;
  tags: string[];
  notify: string[];
  source: string;
  /** Why the task never runs (tags), or undefined. */
  tagSkip: string | undefined;
  /** Schema result for params without templates, shared by every host. */
  staticParams?: { ok: true; value: unknown } | { ok: false };
  /** Schema results by rendered params (JSON): hosts that render the same params share one validation. */
  validated: Map<string, Validated>;
  locator: ParamLocator;
  /** Variable layers of the task itself: `above` the play's and host's (task vars, role params, role vars), `below` them (role defaults). */
  layers: { above: VarLayer[]; below: VarLayer[] };
  playbookDir: string;
}

type Validated = { ok: true; value: unknown } | { ok: false; errors: UserError[] };

/** Where a task's module parameters are written (for schema errors). */
export function paramLocator(task: TaskDef): ParamLocator {
  return {
    value: (path) => at(task, [task.module, ...path]),
    key: (path) => task.doc.locateKey([...task.path, task.module, ...path]),
  };
}

export interface HostContext {
  host: string;
  hostvars: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  groups: Readonly<Record<string, readonly string[]>>;
  sources: SourceFiles;
  errors: HostErrors;
  inlineSecrets: Map<string, string>;
}

export interface TaskOutcome {
  tasks: CompiledTask[];
  skipped: SkippedTask[];
}

const at = (task: TaskDef, path: YamlPath): SourceLocation => task.doc.locate([...task.path, ...path]);

export function compileTask(plan: TaskPlan, scope: Scope, ctx: HostContext, out: TaskOutcome): void {
  const { task } = plan;
  if (plan.tagSkip !== undefined) {
    out.skipped.push({ id: plan.id, name: task.name ?? task.module, source: plan.source, reason: plan.tagSkip });
    return;
  }
  try {
    if (!task.hasLoop) {
      compileItem(plan, plan.id, scope, ctx, out);
      return;
    }
    const items = loopItems(plan, scope);
    if (items.length === 0) {
      out.skipped.push({ id: plan.id, name: task.name ?? task.module, source: plan.source, reason: 'loop: no items' });
      return;
    }
    items.forEach((item, i) => {
      try {
        compileItem(plan, `${plan.id}[${i}]`, scope.with({ item }), ctx, out);
      } catch (error) {
        if (!isUserError(error)) throw error;
        ctx.errors.addAll(error, ctx.host);
      }
    });
  } catch (error) {
    if (!isUserError(error)) throw error;
    ctx.errors.addAll(error, ctx.host);
  }
}

function loopItems(plan: TaskPlan, scope: Scope): unknown[] {
  const { task } = plan;
  let items: unknown;
  try {
    items = renderValue(task.loop, scope);
  } catch (error) {
    if (error instanceof TemplateError) throw new UserError(`loop: ${error.message}`, at(task, ['loop', ...error.path]), error.hint);
    throw error;
  }
  if (!Array.isArray(items)) {
    throw new UserError(`loop: expected a list, got ${describe(items)}`, at(task, ['loop']), 'e.g. loop: "{{ groups.hypervisors }}" or a YAML list');
  }
  return items;
}

function compileItem(plan: TaskPlan, id: string, scope: Scope, ctx: HostContext, out: TaskOutcome): void {
  const { task, module } = plan;
  let failed;
  try {
    failed = task.when.length === 0 ? undefined : firstFalse(task.when, (name) => scope.lookup(name));
  } catch (error) {
    if (!(error instanceof WhenEvalError)) throw error;
    const { index, source } = error as WhenEvalError & { index?: number; source: string };
    const where = columnInLine(at(task, index === undefined ? ['when'] : ['when', index]), source, error.offset, { textOf: (f) => ctx.sources.textOf(f) });
    throw new UserError(`condition ${JSON.stringify(source)}: ${error.message}`, where, error.hint);
  }
  const name = renderName(task, scope);
  if (failed) {
    out.skipped.push({ id, name, source: plan.source, reason: `when: ${failed.source}` });
    return;
  }

  const { locator } = plan;
  let params: unknown;
  if (plan.staticParams) {
    if (!plan.staticParams.ok) return;
    params = plan.staticParams.value;
  } else {
    let rendered: unknown;
    try {
      rendered = renderValue(task.params, scope);
    } catch (error) {
      if (error instanceof TemplateError) {
        const Located = error.syntax ? HostIndependentError : UserError;
        throw new Located(`${paramName(module.name, error.path)}: ${error.message}`, locator.value(error.path), error.hint);
      }
      throw error;
    }
    const key = JSON.stringify(rendered);
    let result = plan.validated.get(key);
    if (!result) {
      const checked = validateParams(module, rendered, locator);
      result = checked.ok ? { ok: true, value: protectSecretParams(module, checked.value, ctx.inlineSecrets) } : checked;
      plan.validated.set(key, result);
    }
    if (!result.ok) {
      for (const e of result.errors) ctx.errors.add(e, ctx.host);
      return;
    }
    params = result.value;
  }
  if (module.prepare) params = module.prepare(params, new TaskPrepareContext(plan, scope, ctx));
  out.tasks.push({ id, name, module: module.name, params: params as Record<string, unknown>, notify: plan.notify, tags: plan.tags, source: plan.source });
}

function renderName(task: TaskDef, scope: Scope): string {
  if (task.name === undefined) return task.module;
  try {
    const name = renderString(task.name, scope);
    return typeof name === 'string' ? name : JSON.stringify(name);
  } catch (error) {
    if (error instanceof TemplateError) throw new UserError(`name: ${error.message}`, at(task, ['name']), error.hint);
    throw error;
  }
}

/** Params without templates are the same for every host: validate them once. */
export function staticParams(plan: TaskPlan, errors: HostErrors, inlineSecrets: Map<string, string>): TaskPlan['staticParams'] {
  const { task, module } = plan;
  if (hasTemplate(task.params)) return undefined;
  const result = validateParams(module, task.params, plan.locator);
  if (!result.ok) {
    for (const e of result.errors) errors.add(e);
    return { ok: false };
  }
  return { ok: true, value: protectSecretParams(module, result.value, inlineSecrets) };
}

/** What a module's prepare() sees for one task on one host. */
class TaskPrepareContext implements PrepareContext {
  // Files read for this task, by the name the module used: template errors then point into the file.
  private readonly read = new Map<string, string>();
  private view: Readonly<Record<string, unknown>> | undefined;

  constructor(
    private readonly plan: TaskPlan,
    private readonly scope: Scope,
    private readonly ctx: HostContext,
  ) {}

  get host(): string {
    return this.ctx.host;
  }
  get vars(): Readonly<Record<string, unknown>> {
    return (this.view ??= lazyView(this.scope));
  }
  get hostvars(): Readonly<Record<string, Readonly<Record<string, unknown>>>> {
    return this.ctx.hostvars;
  }
  get groups(): Readonly<Record<string, readonly string[]>> {
    return this.ctx.groups;
  }

  readFile(kind: 'files' | 'templates', path: string): string {
    const { task, playbookDir } = this.plan;
    const { sources } = this.ctx;
    const candidates = task.role ? [join(task.role.role.dir, kind, path)] : [];
    candidates.push(join(playbookDir, kind, path), join(playbookDir, path));
    const found = candidates.find((c) => sources.isFile(c));
    if (!found) return this.fail(`${path} not found`, ['src'], `looked in ${candidates.map((c) => sources.display(c)).join(', ')}`);
    this.read.set(path, sources.display(found));
    return sources.readText(found);
  }

  render(template: string, name: string): string {
    try {
      return renderText(template, this.scope);
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      const file = this.read.get(name);
      if (file) throw new UserError(error.message, { file, line: error.line ?? 1, col: error.col ?? 1 }, error.hint);
      throw new UserError(`${this.plan.module.name}: ${name}: ${error.message}`, this.plan.task.location, error.hint);
    }
  }

  fail(message: string, path?: readonly (string | number)[], hint?: string): never {
    const module = this.plan.module.name;
    const where = path ? this.plan.locator.value(path) : this.plan.task.location;
    throw new UserError(path && path.length > 0 ? `${paramName(module, path)}: ${message}` : `${module}: ${message}`, where, hint);
  }
}
