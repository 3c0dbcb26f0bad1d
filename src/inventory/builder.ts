/**
 * What the inventory files declare, before precedence is applied: groups,
 * hosts, memberships, parent/child links and each variable with where it was
 * written. The YAML and INI readers fill it through the same few calls, as
 * Ansible's readers fill its InventoryData.
 */
import type { SourceLocation } from '../errors/index.ts';

/** A variable as written: its value and where. */
export interface WrittenVar {
  value: unknown;
  location: SourceLocation;
}

export interface DeclaredGroup {
  name: string;
  /** First place the group is named. */
  location: SourceLocation | undefined;
  /** Inline variables (`vars:` / `[g:vars]`), later declarations win. */
  vars: Map<string, WrittenVar>;
  children: string[];
  parents: string[];
  /** Where each child link is written (for cycle errors). */
  childLinks: Map<string, SourceLocation | undefined>;
  /** Direct members, in the order added. */
  hosts: string[];
  /** Ansible's `ansible_group_priority` (default 1): sorts groups of equal depth. */
  priority: number;
}

export interface DeclaredHost {
  name: string;
  /** First place the host is declared. */
  location: SourceLocation;
  /** Inline host variables, later declarations win. */
  vars: Map<string, WrittenVar>;
  /** Groups the host is directly in, in the order added. */
  groups: string[];
}

export const ALL = 'all';
export const UNGROUPED = 'ungrouped';

export class InventoryBuilder {
  readonly groups = new Map<string, DeclaredGroup>();
  readonly hosts = new Map<string, DeclaredHost>();

  constructor() {
    this.addGroup(ALL, undefined);
    // As Ansible: `ungrouped` always exists, first among all's children.
    this.addChild(ALL, UNGROUPED, undefined);
  }

  addGroup(name: string, location: SourceLocation | undefined): DeclaredGroup {
    let group = this.groups.get(name);
    if (!group) {
      group = { name, location, vars: new Map(), children: [], parents: [], childLinks: new Map(), hosts: [], priority: 1 };
      this.groups.set(name, group);
    } else if (!group.location) {
      group.location = location;
    }
    return group;
  }

  /** Declares a host (again) and, when given, adds it to a group. */
  addHost(name: string, group: string | undefined, location: SourceLocation): DeclaredHost {
    let host = this.hosts.get(name);
    if (!host) {
      host = { name, location, vars: new Map(), groups: [] };
      this.hosts.set(name, host);
    }
    if (group !== undefined) {
      const g = this.addGroup(group, undefined);
      if (!host.groups.includes(group)) {
        host.groups.push(group);
        g.hosts.push(name);
      }
    }
    return host;
  }

  addChild(parent: string, child: string, location: SourceLocation | undefined): void {
    const p = this.addGroup(parent, undefined);
    const c = this.addGroup(child, location);
    if (p.childLinks.has(child)) return;
    p.children.push(child);
    p.childLinks.set(child, location);
    c.parents.push(parent);
  }

  setGroupVar(group: string, key: string, value: unknown, location: SourceLocation): void {
    const g = this.addGroup(group, undefined);
    // Ansible reads this one as the group's sort priority, not as a variable.
    if (key === 'ansible_group_priority' && typeof value === 'number' && Number.isInteger(value)) {
      g.priority = value;
      return;
    }
    g.vars.delete(key); // re-insert so the listing keeps the latest order
    g.vars.set(key, { value, location });
  }

  setHostVar(host: string, key: string, value: unknown, location: SourceLocation): void {
    const h = this.hosts.get(host);
    if (!h) throw new Error(`internal: variable for undeclared host ${host}`);
    h.vars.delete(key);
    h.vars.set(key, { value, location });
  }
}
