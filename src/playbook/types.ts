/**
 * Playbooks, plays, roles and tasks as loaded: checked for shape, with where
 * every part is written, but nothing templated yet (that happens per host).
 */
import type { SourceLocation } from '../errors/index.ts';
import type { Condition } from '../when/index.ts';
import type { YamlDocument, YamlPath } from '../yaml/index.ts';

/** A mapping of variables and where it is written (to locate any value in it). */
export interface VarsSource {
  /** For messages: `play vars`, `role vars`, `vars_files vars/zone.yml`, … */
  label: string;
  vars: Record<string, unknown>;
  doc: YamlDocument;
  path: YamlPath;
}

export interface TaskDef {
  doc: YamlDocument;
  /** Path of the task mapping in `doc`. */
  path: YamlPath;
  location: SourceLocation;
  /** As written (may hold templates); undefined when the task has no name. */
  name: string | undefined;
  module: string;
  params: unknown;
  when: Condition[];
  loop: unknown;
  hasLoop: boolean;
  notify: string[];
  tags: string[];
  vars: VarsSource | undefined;
  /** Handlers only: topics this handler also answers to. */
  listen: string[];
  /** The role this task comes from, if any. */
  role: RoleUse | undefined;
}

export interface LoadedRole {
  name: string;
  /** Absolute directory of the role. */
  dir: string;
  defaults: VarsSource | undefined;
  vars: VarsSource | undefined;
  /** Raw task entries; turned into TaskDefs per use of the role. */
  tasksDoc: YamlDocument | undefined;
  handlersDoc: YamlDocument | undefined;
}

/** One use of a role in a play's `roles:` list. */
export interface RoleUse {
  role: LoadedRole;
  /** `vars:` given where the role is used. */
  params: VarsSource | undefined;
  tags: string[];
  location: SourceLocation;
  tasks: TaskDef[];
  handlers: TaskDef[];
}

export interface PlayDef {
  /** Position among all plays of all playbooks, from 0. */
  index: number;
  /** Its `name:`, else its hosts pattern as written (compile renders it). */
  name: string;
  /** Whether the play has a `name:` of its own. */
  named: boolean;
  hosts: string;
  location: SourceLocation;
  doc: YamlDocument;
  path: YamlPath;
  /** Absolute directory of the playbook (for roles, files and `playbook_dir`). */
  playbookDir: string;
  /** Play vars, then each vars_files file in order (later wins). */
  vars: VarsSource[];
  roles: RoleUse[];
  tasks: TaskDef[];
  handlers: TaskDef[];
  serial: number | string | (number | string)[] | null;
  maxFailPercentage: number | null;
  tags: string[];
}
