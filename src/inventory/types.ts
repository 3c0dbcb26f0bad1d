/**
 * The loaded inventory: hosts, groups and every host's merged variables, with
 * where each value came from. Produced by `loadInventory`, consumed by compile
 * and the `inventory` command. Pure data once loaded.
 */
import type { SourceLocation } from '../errors/index.ts';
import type { ConnectionSettings } from '../plan/types.ts';

export interface VarOrigin {
  /** e.g. `group hypervisors`, `host kvm01`, `group_vars/all.yml`. */
  level: string;
  /** Where the winning value is written. */
  location: SourceLocation;
}

export interface InventoryHost {
  name: string;
  /** Every group the host is in, ancestors included, `all` first, then by depth and name. */
  groups: string[];
  /** Merged inventory variables: all < parent groups < child groups < host (host_vars included). */
  vars: Record<string, unknown>;
  /** Variable name → where its winning value came from. */
  origins: Record<string, VarOrigin>;
  connection: ConnectionSettings;
  platform: string;
  /** Where the host was first declared. */
  location: SourceLocation;
}

export interface InventoryGroup {
  name: string;
  /** Hosts directly in the group or in any descendant group, in inventory order. */
  hosts: string[];
  children: string[];
  parents: string[];
  /** The group's own variables (group_vars included). */
  vars: Record<string, unknown>;
  location: SourceLocation | undefined;
}

export interface Inventory {
  /** Hosts in the order they were first declared. */
  hosts: ReadonlyMap<string, InventoryHost>;
  groups: ReadonlyMap<string, InventoryGroup>;
  /** Files read, in order (for the input hash). */
  files: string[];
  /** Things worth telling the operator that do not stop loading, formatted `file:line:col: …`. */
  warnings: string[];
  /** Ansible host patterns: names, groups, globs, `a:b`, `a:&b`, `a:!b`. Unknown names match nothing. */
  match(pattern: string): string[];
}
