/**
 * compilePlan: inventory + playbooks + roles → the plan, offline and pure (no
 * network, clock, randomness or environment): the same inputs give the same
 * bytes. Every error found is reported at once, each with file:line:col.
 */
import { createHash } from 'node:crypto';
import { ErrorCollector, isUserError, UserError, type SourceLocation } from '../errors/index.ts';
import { loadInventory } from '../inventory/index.ts';
import type { Inventory, InventoryHost } from '../inventory/types.ts';
import type { ModuleDefinition } from '../modules/contract.ts';
import { findModule as registryFind, moduleNames as registryNames } from '../modules/registry.ts';
import { loadPlaybooks } from '../playbook/load.ts';
import { RoleLoader } from '../playbook/roles.ts';
import { SourceFiles } from '../playbook/sources.ts';
import type { PlayDef, RoleUse, TaskDef, VarsSource } from '../playbook/types.ts';
import { PLAN_FORMAT_VERSION, type CompiledHost, type CompiledPlan, type CompiledPlay } from '../plan/types.ts';
import { MISSING, renderString, TemplateError } from '../template/index.ts';
import { VERSION } from '../version.ts';
import { CompileFailed, HostErrors } from './errors.ts';
import { checkHandlerOrder, handlerTargets, resolveNotify, uniqueRoleHandlers } from './handlers.ts';
import { hideSecretValues, protectSecretVars } from './params.ts';
import { lazyHostvars, locatedTemplateError, Scope, type VarLayer } from './scope.ts';
import { tagSkipReason, unknownTagWarnings } from './tags.ts';
import { compileTask, paramLocator, staticParams, type HostContext, type TaskOutcome, type TaskPlan } from './task.ts';

export { CompileFailed } from './errors.ts';
export { parseExtraVars } from './extra-vars.ts';
export { renderPlanText } from './render-text.ts';

export interface CompileOptions {
  inventory: string[];
  playbooks: string[];
  limit?: string;
  tags?: string[];
  skipTags?: string[];
  extraVars?: Record<string, unknown>;
  rolesPath?: string[];
  cwd?: string;
  findModule?: (name: string) => ModuleDefinition | undefined;
  /** Module names for "did you mean" (default: the registry's; none when only findModule is given). */
  moduleNames?: () => string[];
  /** zonectl's own roles directory (default: the package's `roles/`); for tests. */
  projectRoles?: string;
  /** User for hosts whose inventory names none (default: the inventory loader's, the local user); give it to keep compile independent of who runs it. */
  localUser?: string;
}

export interface CompileResult {
  plan: CompiledPlan;
  inventory: Inventory;
  warnings: UserError[];
  /** Inline secret name → value, for literal values of secret-by-nature params. Never printed. */
  inlineSecrets: Map<string, string>;
}

const own = (object: object, key: string): boolean => Object.prototype.hasOwnProperty.call(object, key);

/** Compiles; throws CompileFailed (a UserErrors) with every error found. */
export function compilePlan(options: CompileOptions): CompileResult {
  // The working directory is an input like any other; the default is the only place compile looks at the process.
  const cwd = options.cwd ?? process.cwd();
  const sources = new SourceFiles(cwd);
  const load = new ErrorCollector();
  const errors = new HostErrors();
  const findModule = options.findModule ?? registryFind;
  const moduleNames = options.moduleNames ?? (options.findModule ? () => [] : registryNames);
  const extraVars = options.extraVars ?? {};
  const inlineSecrets = new Map<string, string>();

  let inventory: Inventory | undefined;
  if (options.inventory.length === 0) load.add('no inventory given', undefined, 'give -i FILE or -i DIRECTORY');
  else {
    try {
      const loaded = loadInventory(options.inventory, { cwd, render: renderForInventory, ...(options.localUser === undefined ? {} : { localUser: options.localUser }) });
      for (const file of loaded.files) sources.record(sources.resolve(file));
      if (loaded.hosts.size === 0) load.warn(`the inventory has no hosts (${options.inventory.join(', ')})`);
      inventory = loaded;
    } catch (error) {
      if (!isUserError(error)) throw error;
      load.push(error);
    }
  }
  if (options.playbooks.length === 0) load.add('no playbook given', undefined, 'name one or more playbook files');
  const projectRoles = options.projectRoles === undefined ? undefined : sources.resolve(options.projectRoles);
  const roles = new RoleLoader(sources, (options.rolesPath ?? []).map((d) => sources.resolve(d)), projectRoles);
  const plays = loadPlaybooks(options.playbooks, {
    sources,
    errors: load,
    roles,
    modules: { isModule: (name) => findModule(name) !== undefined, names: moduleNames },
  });
  for (const error of load.errors) errors.add(error);
  const warnings = [...load.warnings];

  const hostPlays = new Map<string, CompiledPlay[]>();
  if (inventory) {
    const inv = inventory;
    const limit = options.limit === undefined ? undefined : new Set(inv.match(options.limit));
    if (limit && limit.size === 0) errors.add(new UserError(`--limit '${options.limit}' matches no hosts`, undefined, 'a host, a group, a glob like kvm*, or a:b, a:&b, a:!b'));
    const groups = groupsOf(inv);
    const extraLayer = extraVarsLayer(protectSecretVars(extraVars, inlineSecrets));
    const inventoryLayers = new Map<string, VarLayer>();
    const inventoryLayer = (host: InventoryHost): VarLayer => {
      let layer = inventoryLayers.get(host.name);
      if (!layer) {
        layer = { label: `inventory of ${host.name}`, vars: protectSecretVars(host.vars, inlineSecrets), locate: (name) => host.origins[name]?.location ?? host.location };
        inventoryLayers.set(host.name, layer);
      }
      return layer;
    };
    const hostScopes = new Map<string, Scope>();
    const hostNames = [...inv.hosts.keys()];
    const hostvars = lazyHostvars(hostNames, (name) => {
      let scope = hostScopes.get(name);
      if (!scope) {
        const host = inv.hosts.get(name) as InventoryHost;
        scope = new Scope([extraLayer, inventoryLayer(host)], magicOf(host, groups, hostvars));
        hostScopes.set(name, scope);
      }
      return scope;
    }) as Record<string, Record<string, unknown>>;

    const taskTags = new Set<string>();
    for (const play of plays) {
      const { hosts: targets, name: playName } = playHosts(play, inv, extraLayer, groups, errors, warnings);
      const playHostNames = limit ? targets.filter((h) => limit.has(h)) : targets;
      const taskPlans = planTasks(play, options, findModule, errors, inlineSecrets);
      for (const plan of taskPlans.tasks) for (const tag of plan.tags) taskTags.add(tag);
      const playLayers = [...play.vars].reverse().map(varsLayer);
      for (const name of playHostNames) {
        const host = inv.hosts.get(name) as InventoryHost;
        const ctx: HostContext = { host: name, hostvars, groups, sources, errors, inlineSecrets };
        const magic = { ...magicOf(host, groups, hostvars), playbook_dir: play.playbookDir };
        const roleMagic = new Map<RoleUse, Record<string, unknown>>();
        const scopeFor = (plan: TaskPlan): Scope => {
          const layers = [extraLayer, ...plan.layers.above, ...playLayers, inventoryLayer(host), ...plan.layers.below];
          const role = plan.task.role;
          if (!role) return new Scope(layers, magic);
          let withRole = roleMagic.get(role);
          if (!withRole) {
            withRole = { ...magic, role_path: role.role.dir, role_name: role.role.name };
            roleMagic.set(role, withRole);
          }
          return new Scope(layers, withRole);
        };
        // A module that cannot drive the host's platform fails here, offline, not mid-run.
        const drives = (plan: TaskPlan): boolean => {
          const platforms = plan.module?.platforms ?? ['linux'];
          if (plan.tagSkip !== undefined || !plan.module || platforms.includes(host.platform)) return true;
          const where = plan.task.doc.locateKey([...plan.task.path, plan.task.module]);
          errors.add(new UserError(`module ${plan.task.module} does not drive platform ${host.platform}`, where, `it drives ${platforms.join(', ')}; leave such hosts out of the play's hosts:`), name);
          return false;
        };
        const tasks: TaskOutcome = { tasks: [], skipped: [] };
        for (const plan of taskPlans.tasks) if (drives(plan)) compileTask(plan, scopeFor(plan), ctx, tasks);
        const handlers: TaskOutcome = { tasks: [], skipped: [] };
        for (const plan of taskPlans.handlers) if (drives(plan)) compileTask(plan, scopeFor(plan), ctx, handlers);
        const compiled: CompiledPlay = {
          index: play.index,
          name: playName,
          serial: play.serial,
          max_fail_percentage: play.maxFailPercentage,
          tasks: tasks.tasks,
          handlers: handlers.tasks,
          skipped: [...tasks.skipped, ...handlers.skipped],
        };
        const list = hostPlays.get(name) ?? [];
        list.push(compiled);
        hostPlays.set(name, list);
      }
    }
    for (const w of unknownTagWarnings(options.tags ?? [], options.skipTags ?? [], taskTags)) warnings.push(new UserError(w.message, undefined, w.hint));
  }

  if (errors.size > 0 || !inventory) throw new CompileFailed(errors.list(), warnings);

  const hosts: Record<string, CompiledHost> = {};
  for (const [name, host] of inventory.hosts) {
    const played = hostPlays.get(name);
    if (!played) continue;
    hosts[name] = { connection: host.connection, platform: host.platform, plays: hideSecretValues(played, inlineSecrets) };
  }
  const plan: CompiledPlan = {
    formatVersion: PLAN_FORMAT_VERSION,
    tool: { name: 'zonectl', version: VERSION },
    inputHash: inputHash(sources, options, cwd),
    inputs: sources.inputs.map((i) => i.path),
    hosts,
    warnings: warnings.map((w) => w.format()),
  };
  return { plan, inventory, warnings, inlineSecrets };
}

function varsLayer(source: VarsSource): VarLayer {
  return { label: source.label, vars: source.vars, locate: (name, path) => source.doc.locate([...source.path, name, ...path]) };
}

function extraVarsLayer(vars: Record<string, unknown>): VarLayer {
  return { label: '-e', vars, locate: () => ({ file: '-e', line: 1, col: 1 }) };
}

function groupsOf(inventory: Inventory): Record<string, readonly string[]> {
  const groups: Record<string, readonly string[]> = {};
  for (const [name, group] of inventory.groups) groups[name] = Object.freeze([...group.hosts]);
  return Object.freeze(groups);
}

function magicOf(host: InventoryHost, groups: Record<string, readonly string[]>, hostvars: Record<string, unknown>): Record<string, unknown> {
  return {
    inventory_hostname: host.name,
    group_names: host.groups.filter((g) => g !== 'all' && g !== 'ungrouped').sort(),
    groups,
    hostvars,
  };
}

/**
 * The play's hosts (a pattern may use -e variables) and its name: a play
 * without `name:` is called by its rendered pattern, as Ansible does. A pattern
 * that matches nothing is a warning.
 */
function playHosts(play: PlayDef, inventory: Inventory, extra: VarLayer, groups: Record<string, readonly string[]>, errors: HostErrors, warnings: UserError[]): { hosts: string[]; name: string } {
  if (play.hosts === '') return { hosts: [], name: play.name };
  let pattern = play.hosts;
  const where = play.doc.locate([...play.path, 'hosts']);
  if (pattern.includes('{{')) {
    try {
      pattern = String(renderString(pattern, { lookup: (name) => (name === 'groups' ? groups : own(extra.vars, name) ? extra.vars[name] : MISSING) }));
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      errors.add(locatedTemplateError(error, where, '(hosts: may use -e variables and groups)'));
      return { hosts: [], name: play.name };
    }
  }
  const name = play.named ? play.name : pattern;
  const hosts = inventory.match(pattern);
  if (hosts.length === 0) warnings.push(new UserError(`play '${name}' matches no hosts`, where));
  return { hosts, name };
}

interface PlayTaskPlans {
  tasks: TaskPlan[];
  handlers: TaskPlan[];
}

/** Per task, what is the same for every host: id, tags, notify targets, static params. */
function planTasks(play: PlayDef, options: CompileOptions, findModule: (name: string) => ModuleDefinition | undefined, errors: HostErrors, inlineSecrets: Map<string, string>): PlayTaskPlans {
  const number = play.index + 1;
  const roleTasks = play.roles.flatMap((r) => r.tasks);
  const handlerDefs = uniqueRoleHandlers(play.roles).concat(play.handlers);
  const notifyTargets = handlerTargets(handlerDefs, errors);
  const plan = (task: TaskDef, id: string, isHandler: boolean): TaskPlan => {
    const tags = dedupe([...play.tags, ...(task.role?.tags ?? []), ...task.tags]);
    const taskPlan: TaskPlan = {
      id,
      task,
      module: findModule(task.module) as ModuleDefinition,
      tags,
      notify: resolveNotify(task, notifyTargets, errors),
      source: `${task.location.file}:${task.location.line}`,
      tagSkip: isHandler ? undefined : tagSkipReason(tags, options.tags ?? [], options.skipTags ?? []),
      validated: new Map(),
      locator: paramLocator(task),
      layers: taskLayers(task),
      playbookDir: play.playbookDir,
    };
    if (taskPlan.tagSkip === undefined) taskPlan.staticParams = staticParams(taskPlan, errors, inlineSecrets);
    return taskPlan;
  };
  const tasks = [...roleTasks, ...play.tasks].map((t, i) => plan(t, `${number}.${i + 1}`, false));
  const handlers = handlerDefs.map((t, i) => plan(t, `${number}.h${i + 1}`, true));
  checkHandlerOrder(handlerDefs, handlers.map((h) => h.notify), errors);
  return { tasks, handlers };
}

/**
 * The task's own variable layers around the play's and the host's:
 * above them task vars > role params > role vars; below them role defaults.
 */
function taskLayers(task: TaskDef): TaskPlan['layers'] {
  const above: VarLayer[] = [];
  if (task.vars) above.push(varsLayer(task.vars));
  if (task.role?.params) above.push(varsLayer(task.role.params));
  if (task.role?.role.vars) above.push(varsLayer(task.role.role.vars));
  return { above, below: task.role?.role.defaults ? [varsLayer(task.role.role.defaults)] : [] };
}

function dedupe(list: readonly string[]): string[] {
  return [...new Set(list)];
}

/** `render` for the inventory loader: a value templated with plain variables. */
function renderForInventory(text: string, vars: Record<string, unknown>, where: SourceLocation): unknown {
  try {
    return renderString(text, { lookup: (name) => (own(vars, name) ? vars[name] : MISSING) });
  } catch (error) {
    if (error instanceof TemplateError) throw locatedTemplateError(error, where);
    throw error;
  }
}

/** sha256 over every input file (path and bytes, in read order) and the options that shape the plan. */
function inputHash(sources: SourceFiles, options: CompileOptions, cwd: string): string {
  const hash = createHash('sha256');
  for (const input of sources.inputs) {
    hash.update(`${input.path}\0${input.bytes.length}\0`);
    hash.update(input.bytes);
  }
  const shaping = {
    inventory: options.inventory.map((p) => sources.display(sources.resolve(p, cwd))),
    playbooks: options.playbooks.map((p) => sources.display(sources.resolve(p, cwd))),
    limit: options.limit ?? null,
    tags: options.tags ?? [],
    skipTags: options.skipTags ?? [],
    extraVars: options.extraVars ?? {},
    rolesPath: (options.rolesPath ?? []).map((p) => sources.display(sources.resolve(p, cwd))),
  };
  hash.update(JSON.stringify(shaping));
  return `sha256:${hash.digest('hex')}`;
}
