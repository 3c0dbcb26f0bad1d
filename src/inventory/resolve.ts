/**
 * From what the files declare to the loaded inventory: Ansible's reconciliation
 * (parentless groups under `all`, hosts with no other group in `ungrouped`),
 * cycle checks, group depth, and each host's variables by precedence.
 *
 * Precedence, lowest first, exactly as Ansible's VariableManager (checked
 * against ansible-inventory 2.14, see test/fixtures/inventory/ansible/):
 *   1. inline vars of group `all`
 *   2. inline vars of the host's other groups, by depth, then
 *      ansible_group_priority, then name (deeper wins)
 *   3. group_vars/all files
 *   4. group_vars files of the other groups, same order
 *   5. the host's inline vars (later declarations win)
 *   6. host_vars files
 * With several -i sources, 3, 4 and 6 go source by source in -i order.
 */
import { relative } from 'node:path';
import type { ErrorCollector, SourceLocation } from '../errors/index.ts';
import { ALL, UNGROUPED, type InventoryBuilder, type WrittenVar } from './builder.ts';
import { resolveConnection, type MergedVar, type RenderConnectionValue } from './connection.ts';
import type { InventorySource } from './sources.ts';
import type { InventoryGroup, InventoryHost, VarOrigin } from './types.ts';
import { VarsDirectory, type VarsFile } from './vars-files.ts';

export interface ResolveOptions {
  cwd: string;
  localUser: string;
  render: RenderConnectionValue | undefined;
  errors: ErrorCollector;
  /** Vars files read, appended in order. */
  files: string[];
}

export interface ResolvedInventory {
  hosts: Map<string, InventoryHost>;
  groups: Map<string, InventoryGroup>;
}

export function resolveInventory(builder: InventoryBuilder, sources: InventorySource[], options: ResolveOptions): ResolvedInventory | null {
  const { errors } = options;
  if (!checkCycles(builder, errors)) return null;
  reconcile(builder);

  const depth = groupDepths(builder);
  const ancestors = new Map<string, string[]>();
  const ancestorsOf = (group: string): string[] => {
    let list = ancestors.get(group);
    if (!list) {
      const set = new Set<string>([group]);
      for (const parent of builder.groups.get(group)?.parents ?? []) for (const a of ancestorsOf(parent)) set.add(a);
      list = [...set];
      ancestors.set(group, list);
    }
    return list;
  };
  const groupOrder = (a: string, b: string): number => {
    const ga = builder.groups.get(a);
    const gb = builder.groups.get(b);
    return (depth.get(a) ?? 0) - (depth.get(b) ?? 0) || (ga?.priority ?? 1) - (gb?.priority ?? 1) || (a < b ? -1 : a > b ? 1 : 0);
  };

  const varsFiles = loadVarsFiles(builder, sources, options);

  // Group vars: inline, then files, each group on its own.
  const groups = new Map<string, InventoryGroup>();
  for (const g of builder.groups.values()) {
    const vars: Record<string, unknown> = {};
    for (const [k, w] of g.vars) vars[k] = w.value;
    for (const file of varsFiles.groups.get(g.name) ?? []) for (const [k, w] of file.vars) vars[k] = w.value;
    groups.set(g.name, { name: g.name, hosts: [], children: [...g.children], parents: [...g.parents], vars: sortKeys(vars), location: g.location });
  }

  const hosts = new Map<string, InventoryHost>();
  const reported = new Set<string>();
  for (const h of builder.hosts.values()) {
    const memberOf = new Set<string>([ALL]);
    for (const direct of h.groups) for (const a of ancestorsOf(direct)) memberOf.add(a);
    const sorted = [...memberOf].sort(groupOrder);
    const others = sorted.filter((g) => g !== ALL);

    // Each layer gets the next rank: a later layer wins.
    const merged = new Map<string, MergedVar>();
    let rank = 0;
    rank = applyLayer(merged, builder.groups.get(ALL)?.vars, `group ${ALL}`, rank);
    for (const g of others) rank = applyLayer(merged, builder.groups.get(g)?.vars, `group ${g}`, rank);
    for (const file of varsFiles.groups.get(ALL) ?? []) rank = applyLayer(merged, file.vars, file.label, rank);
    // Source by source (outer), group by group (inner), as Ansible combines vars plugin results.
    for (const perSource of varsFiles.groupsBySource) {
      for (const g of others) for (const file of perSource.get(g) ?? []) rank = applyLayer(merged, file.vars, file.label, rank);
    }
    rank = applyLayer(merged, h.vars, `host ${h.name}`, rank);
    for (const file of varsFiles.hosts.get(h.name) ?? []) rank = applyLayer(merged, file.vars, file.label, rank);

    const vars: Record<string, unknown> = {};
    const origins: Record<string, VarOrigin> = {};
    for (const key of [...merged.keys()].sort()) {
      const m = merged.get(key) as MergedVar;
      vars[key] = m.value;
      origins[key] = { level: m.level, location: m.location };
    }
    const groupNames = sorted.filter((g) => g !== ALL && g !== UNGROUPED).sort();
    const { connection, platform } = resolveConnection(
      {
        host: h.name,
        vars: merged,
        cwd: options.cwd,
        render: options.render,
        renderVars: () => ({ ...vars, inventory_hostname: h.name, inventory_hostname_short: h.name.split('.')[0], group_names: groupNames }),
        errors,
        reported,
      },
      options.localUser,
    );
    hosts.set(h.name, { name: h.name, groups: sorted, vars, origins, connection, platform, location: h.location });
    for (const g of sorted) groups.get(g)?.hosts.push(h.name);
  }
  return { hosts, groups };
}

/** Lays one layer of variables over the merged ones; returns the layer's rank. */
function applyLayer(merged: Map<string, MergedVar>, vars: ReadonlyMap<string, WrittenVar> | undefined, level: string, previousRank: number): number {
  const rank = previousRank + 1;
  if (vars) for (const [key, w] of vars) merged.set(key, { value: w.value, location: w.location, level, rank });
  return rank;
}

/** A group with no parent goes under `all`; a host in no group but `all` goes in `ungrouped`. */
function reconcile(builder: InventoryBuilder): void {
  for (const g of builder.groups.values()) {
    if (g.name !== ALL && g.parents.length === 0) builder.addChild(ALL, g.name, undefined);
  }
  const ungrouped = builder.groups.get(UNGROUPED);
  for (const h of builder.hosts.values()) {
    const others = h.groups.filter((g) => g !== ALL && g !== UNGROUPED);
    if (others.length > 0 && h.groups.includes(UNGROUPED)) {
      h.groups = h.groups.filter((g) => g !== UNGROUPED);
      if (ungrouped) ungrouped.hosts = ungrouped.hosts.filter((n) => n !== h.name);
    } else if (others.length === 0 && !h.groups.includes(UNGROUPED)) {
      builder.addHost(h.name, UNGROUPED, h.location);
    }
  }
}

/** Reports every cycle in `children` once, at the link that closes it. */
function checkCycles(builder: InventoryBuilder, errors: ErrorCollector): boolean {
  const state = new Map<string, 'active' | 'done'>();
  const stack: string[] = [];
  const reported = new Set<string>();
  let ok = true;
  const visit = (name: string): void => {
    state.set(name, 'active');
    stack.push(name);
    const group = builder.groups.get(name);
    for (const child of group?.children ?? []) {
      const s = state.get(child);
      if (s === 'active') {
        const cycle = [...stack.slice(stack.indexOf(child)), child];
        const key = [...new Set(cycle)].sort().join('\0');
        if (!reported.has(key)) {
          reported.add(key);
          const where: SourceLocation | undefined = group?.childLinks.get(child);
          errors.add(`groups form a cycle: ${cycle.join(' → ')}`, where, 'a group cannot be its own child or descendant');
        }
        ok = false;
      } else if (s === undefined) visit(child);
    }
    stack.pop();
    state.set(name, 'done');
  };
  for (const name of builder.groups.keys()) if (!state.has(name)) visit(name);
  // `all` is every group's ancestor; as a child it would make a cycle with any group.
  for (const group of builder.groups.values()) {
    if (group.name !== ALL && group.childLinks.has(ALL)) {
      errors.add(`group ${ALL} cannot be a child of ${group.name}`, group.childLinks.get(ALL), 'all is the top of every inventory');
      ok = false;
    }
  }
  return ok;
}

/** Ansible's group depth: the longest path from `all` (all = 0). */
function groupDepths(builder: InventoryBuilder): Map<string, number> {
  const depth = new Map<string, number>();
  const of = (name: string): number => {
    const known = depth.get(name);
    if (known !== undefined) return known;
    const parents = builder.groups.get(name)?.parents ?? [];
    const d = name === ALL || parents.length === 0 ? 0 : Math.max(...parents.map(of)) + 1;
    depth.set(name, d);
    return d;
  };
  for (const name of builder.groups.keys()) of(name);
  return depth;
}

interface LabelledVarsFile extends VarsFile {
  /** e.g. `group_vars/kvm.yml`: shown as the origin's level. */
  label: string;
}

function loadVarsFiles(builder: InventoryBuilder, sources: InventorySource[], options: ResolveOptions) {
  const groups = new Map<string, LabelledVarsFile[]>();
  const groupsBySource: Map<string, LabelledVarsFile[]>[] = [];
  const hosts = new Map<string, LabelledVarsFile[]>();
  const seen = new Set<string>();
  const push = (map: Map<string, LabelledVarsFile[]>, name: string, files: LabelledVarsFile[]): void => {
    if (files.length) map.set(name, [...(map.get(name) ?? []), ...files]);
  };
  for (const source of sources) {
    if (!source.varsDir || seen.has(source.varsDir.abs)) continue;
    seen.add(source.varsDir.abs);
    const base = source.varsDir;
    const label = (file: VarsFile): LabelledVarsFile => ({ ...file, label: relative(base.path, file.path) });
    const groupDir = new VarsDirectory(base, 'group_vars');
    const hostDir = new VarsDirectory(base, 'host_vars');
    const perSource = new Map<string, LabelledVarsFile[]>();
    for (const name of builder.groups.keys()) {
      const files = groupDir.load(name, options.errors).map(label);
      push(groups, name, files);
      if (name !== ALL) push(perSource, name, files);
    }
    groupsBySource.push(perSource);
    for (const name of builder.hosts.keys()) push(hosts, name, hostDir.load(name, options.errors).map(label));
    for (const unused of groupDir.unused()) options.errors.warn(`${unused} matches no group in the inventory; it is not used`);
    for (const unused of hostDir.unused()) options.errors.warn(`${unused} matches no host in the inventory; it is not used`);
  }
  const listed = new Set(options.files);
  for (const list of [...groups.values(), ...hosts.values()]) {
    for (const f of list) {
      if (!listed.has(f.path)) options.files.push(f.path);
      listed.add(f.path);
    }
  }
  return { groups, groupsBySource, hosts };
}

function sortKeys(vars: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.keys(vars).sort().map((k) => [k, vars[k]]));
}
