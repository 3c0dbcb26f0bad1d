/**
 * Playbook files → PlayDefs: every play and task checked for shape, roles
 * found and read, `when` parsed. Collects every error it finds instead of
 * stopping at the first.
 */
import { dirname } from 'node:path';
import { isUserError, type ErrorCollector } from '../errors/index.ts';
import type { YamlDocument, YamlPath } from '../yaml/index.ts';
import { RoleLoader, RoleShapeError } from './roles.ts';
import type { SourceFiles } from './sources.ts';
import { closest } from './suggest.ts';
import { parseTaskList, type ModuleNames } from './tasks.ts';
import type { PlayDef, RoleUse, VarsSource } from './types.ts';
import { isMapping, stringList } from './values.ts';

export const PLAY_KEYS = ['name', 'hosts', 'vars', 'vars_files', 'roles', 'tasks', 'handlers', 'serial', 'max_fail_percentage', 'tags'] as const;
const ROLE_KEYS = ['role', 'name', 'vars', 'tags'] as const;

export interface LoadOptions {
  sources: SourceFiles;
  errors: ErrorCollector;
  modules: ModuleNames;
  roles: RoleLoader;
}

/** Loads playbooks in order; plays are numbered across all of them. */
export function loadPlaybooks(files: readonly string[], options: LoadOptions): PlayDef[] {
  const plays: PlayDef[] = [];
  for (const file of files) {
    const abs = options.sources.resolve(file);
    let doc: YamlDocument;
    try {
      doc = options.sources.readYaml(abs);
    } catch (error) {
      if (!isUserError(error)) throw error;
      options.errors.push(error);
      continue;
    }
    if (doc.value === null || (Array.isArray(doc.value) && doc.value.length === 0)) {
      // As Ansible: nothing to do, said out loud (an empty file is often a wrong path or a failed render).
      options.errors.warn('the playbook is empty: nothing to do', doc.locate([]));
      continue;
    }
    if (!Array.isArray(doc.value)) {
      options.errors.add('a playbook must be a list of plays', doc.locate([]), 'each play has hosts: and tasks: or roles:');
      continue;
    }
    doc.value.forEach((raw, i) => {
      const play = loadPlay(doc, [i], raw, plays.length, dirname(abs), options);
      if (play) plays.push(play);
    });
  }
  return plays;
}

function loadPlay(doc: YamlDocument, path: YamlPath, raw: unknown, index: number, playbookDir: string, options: LoadOptions): PlayDef | undefined {
  const { errors } = options;
  const location = doc.locate(path);
  if (!isMapping(raw)) {
    errors.add('a play must be a mapping', location, 'with hosts: and tasks: or roles:');
    return undefined;
  }
  for (const key of Object.keys(raw)) {
    if ((PLAY_KEYS as readonly string[]).includes(key)) continue;
    const near = closest(key, PLAY_KEYS);
    errors.add(`unknown play key '${key}'`, doc.locateKey([...path, key]), near ? `did you mean '${near}'?` : `allowed: ${PLAY_KEYS.join(', ')}`);
  }
  const hostsList = stringList(raw.hosts, false);
  if (!hostsList || hostsList.length === 0) {
    errors.add('a play needs hosts: (a host pattern)', raw.hosts === undefined ? location : doc.locate([...path, 'hosts']), 'e.g. hosts: hypervisors');
  }
  const name = typeof raw.name === 'string' ? raw.name : hostsList?.join(':') ?? `play ${index + 1}`;
  if (raw.name !== undefined && typeof raw.name !== 'string') errors.add('name must be a string', doc.locate([...path, 'name']));
  const tags = stringList(raw.tags);
  if (!tags) errors.add('tags must be a name or a list of names', doc.locate([...path, 'tags']));

  const vars: VarsSource[] = [];
  if (raw.vars !== undefined && raw.vars !== null) {
    if (isMapping(raw.vars)) vars.push({ label: 'play vars', vars: raw.vars, doc, path: [...path, 'vars'] });
    else errors.add('vars must be a mapping of name: value', doc.locate([...path, 'vars']));
  }
  vars.push(...loadVarsFiles(doc, [...path, 'vars_files'], raw.vars_files, playbookDir, options));

  const taskCtx = { errors, modules: options.modules, textOf: (f: string) => options.sources.textOf(f) };
  const roles = loadRoleUses(doc, [...path, 'roles'], raw.roles, playbookDir, options);
  return {
    index,
    name,
    named: typeof raw.name === 'string',
    hosts: (hostsList ?? []).join(':'),
    location,
    doc,
    path,
    playbookDir,
    vars,
    roles,
    tasks: parseTaskList(doc, [...path, 'tasks'], raw.tasks, 'task', undefined, taskCtx),
    handlers: parseTaskList(doc, [...path, 'handlers'], raw.handlers, 'handler', undefined, taskCtx),
    serial: serialOf(doc, [...path, 'serial'], raw.serial, errors),
    maxFailPercentage: percentageOf(doc, [...path, 'max_fail_percentage'], raw.max_fail_percentage, errors),
    tags: tags ?? [],
  };
}

function loadVarsFiles(doc: YamlDocument, path: YamlPath, value: unknown, playbookDir: string, options: LoadOptions): VarsSource[] {
  const files = stringList(value, false);
  if (!files) {
    options.errors.add('vars_files must be a file name or a list of them', doc.locate(path));
    return [];
  }
  const out: VarsSource[] = [];
  files.forEach((file, i) => {
    const abs = options.sources.resolve(file, playbookDir);
    const at = doc.locate(Array.isArray(value) ? [...path, i] : path);
    if (!options.sources.isFile(abs)) {
      options.errors.add(`vars file ${file} not found`, at, `looked for ${options.sources.display(abs)}`);
      return;
    }
    try {
      const varsDoc = options.sources.readYaml(abs);
      if (varsDoc.value === null) return;
      if (!isMapping(varsDoc.value)) {
        options.errors.add('a vars file must be a mapping of name: value', varsDoc.locate([]));
        return;
      }
      out.push({ label: `vars file ${varsDoc.file}`, vars: varsDoc.value, doc: varsDoc, path: [] });
    } catch (error) {
      if (!isUserError(error)) throw error;
      options.errors.push(error);
    }
  });
  return out;
}

function loadRoleUses(doc: YamlDocument, path: YamlPath, value: unknown, playbookDir: string, options: LoadOptions): RoleUse[] {
  const { errors } = options;
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    errors.add('roles must be a list of role names or {role: name, vars: {...}}', doc.locate(path));
    return [];
  }
  const uses: RoleUse[] = [];
  const taskCtx = { errors, modules: options.modules, textOf: (f: string) => options.sources.textOf(f) };
  value.forEach((entry, i) => {
    const at = doc.locate([...path, i]);
    let name: unknown = entry;
    let params: VarsSource | undefined;
    let tags: string[] = [];
    if (isMapping(entry)) {
      for (const key of Object.keys(entry)) {
        if ((ROLE_KEYS as readonly string[]).includes(key)) continue;
        const near = closest(key, ROLE_KEYS);
        errors.add(`unknown role key '${key}'`, doc.locateKey([...path, i, key]), near ? `did you mean '${near}'?` : `allowed: ${ROLE_KEYS.join(', ')}`);
      }
      name = entry.role ?? entry.name;
      if (entry.vars !== undefined && entry.vars !== null) {
        if (isMapping(entry.vars)) params = { label: `role ${String(name)} params`, vars: entry.vars, doc, path: [...path, i, 'vars'] };
        else errors.add('vars must be a mapping of name: value', doc.locate([...path, i, 'vars']));
      }
      const list = stringList(entry.tags);
      if (list) tags = list;
      else errors.add('tags must be a name or a list of names', doc.locate([...path, i, 'tags']));
    }
    if (typeof name !== 'string' || name === '') {
      errors.add('a role is a name or {role: name, vars: {...}}', at);
      return;
    }
    let found;
    try {
      found = options.roles.find(name, playbookDir);
    } catch (error) {
      if (error instanceof RoleShapeError) errors.add(error.message, error.doc.locate([]));
      else if (isUserError(error)) errors.push(error);
      else throw error;
      return;
    }
    if ('searched' in found) {
      errors.add(`role '${name}' not found`, at, `looked in ${found.searched.join(', ')}`);
      return;
    }
    const use: RoleUse = { role: found.role, params, tags, location: at, tasks: [], handlers: [] };
    const { tasksDoc, handlersDoc } = found.role;
    if (tasksDoc) use.tasks = parseTaskList(tasksDoc, [], tasksDoc.value, 'task', use, taskCtx);
    if (handlersDoc) use.handlers = parseTaskList(handlersDoc, [], handlersDoc.value, 'handler', use, taskCtx);
    uses.push(use);
  });
  return uses;
}

function serialOf(doc: YamlDocument, path: YamlPath, value: unknown, errors: ErrorCollector): PlayDef['serial'] {
  if (value === undefined || value === null) return null;
  const one = (v: unknown): boolean => (typeof v === 'number' && Number.isInteger(v) && v > 0) || (typeof v === 'string' && /^(100|[1-9][0-9]?)%$/.test(v.trim()));
  if (one(value)) return value as number | string;
  if (Array.isArray(value) && value.length > 0 && value.every(one)) return value as (number | string)[];
  errors.add('serial must be a host count, a percentage or a list of them', doc.locate(path), 'e.g. serial: 2, serial: "25%", serial: [1, "50%"]');
  return null;
}

function percentageOf(doc: YamlDocument, path: YamlPath, value: unknown, errors: ErrorCollector): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number' && value >= 0 && value <= 100) return value;
  errors.add('max_fail_percentage must be a number from 0 to 100', doc.locate(path));
  return null;
}
