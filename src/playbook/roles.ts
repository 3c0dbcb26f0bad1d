/**
 * Roles: `roles/NAME/{tasks,handlers,defaults,vars}/main.yml`, `templates/`,
 * `files/`. Searched beside the playbook, then in each `--roles-path`, then in
 * zonectl's own `roles/` (so shipped roles work from anywhere and an operator
 * can override one by name). A name with a `/` is a path from the playbook.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { YamlDocument } from '../yaml/index.ts';
import type { SourceFiles } from './sources.ts';
import type { LoadedRole, VarsSource } from './types.ts';
import { isMapping } from './values.ts';

/** zonectl's top-level `roles/` directory (shipped roles). */
export const PROJECT_ROLES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'roles');

export function roleSearchDirs(name: string, playbookDir: string, rolesPath: readonly string[], projectRoles: string): string[] {
  if (name.includes('/')) return [join(playbookDir, name)];
  return [join(playbookDir, 'roles', name), ...rolesPath.map((dir) => join(dir, name)), join(projectRoles, name)];
}

export type RoleLookup = { role: LoadedRole } | { searched: string[] };

export class RoleLoader {
  private readonly cache = new Map<string, LoadedRole>();

  constructor(
    private readonly sources: SourceFiles,
    private readonly rolesPath: readonly string[],
    private readonly projectRoles: string = PROJECT_ROLES,
  ) {}

  /** Finds and reads a role; YAML errors inside it propagate as located UserErrors. */
  find(name: string, playbookDir: string): RoleLookup {
    const searched = roleSearchDirs(name, playbookDir, this.rolesPath, this.projectRoles);
    const dir = searched.find((d) => this.sources.isDirectory(d));
    if (!dir) return { searched: searched.map((d) => this.sources.display(d)) };
    const known = this.cache.get(dir);
    if (known) return { role: known };
    const role: LoadedRole = {
      name,
      dir,
      defaults: this.varsFile(dir, 'defaults', `role ${name} defaults`),
      vars: this.varsFile(dir, 'vars', `role ${name} vars`),
      tasksDoc: this.mainFile(dir, 'tasks'),
      handlersDoc: this.mainFile(dir, 'handlers'),
    };
    this.cache.set(dir, role);
    return { role };
  }

  private mainFile(dir: string, part: string): YamlDocument | undefined {
    for (const file of ['main.yml', 'main.yaml']) {
      const abs = join(dir, part, file);
      if (this.sources.isFile(abs)) return this.sources.readYaml(abs);
    }
    return undefined;
  }

  private varsFile(dir: string, part: string, label: string): VarsSource | undefined {
    const doc = this.mainFile(dir, part);
    if (!doc || doc.value === null) return undefined;
    if (!isMapping(doc.value)) throw new RoleShapeError(`${part}/main.yml must be a mapping of name: value`, doc);
    return { label, vars: doc.value, doc, path: [] };
  }
}

/** A role file with the wrong shape (reported at the file's start). */
export class RoleShapeError extends Error {
  constructor(
    message: string,
    readonly doc: YamlDocument,
  ) {
    super(message);
    this.name = 'RoleShapeError';
  }
}
