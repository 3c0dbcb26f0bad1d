/**
 * Options shared by several commands, defined once so every command spells
 * them the same way.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { splitHostPattern } from '../inventory/patterns.ts';

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** `-i INV` (repeatable) and `--limit PATTERN`. */
export function addInventoryOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('-i, --inventory <path>', 'inventory file or directory (repeatable)').argParser(collect).default([]))
    .option('-l, --limit <pattern>', 'only hosts matching this pattern (a, a:b, a:&b, a:!b, kvm*)', parseLimit);
}

/**
 * An empty --limit (say `--limit "$HOSTS"` with HOSTS unset) is refused: Ansible
 * would read it as no limit at all and reach every host.
 */
export function parseLimit(value: string): string {
  if (splitHostPattern(value).length === 0) {
    throw new InvalidArgumentError(`--limit needs a host pattern, not ${JSON.stringify(value)} (an empty limit would reach every host)`);
  }
  return value;
}

/** Everything that shapes a compiled plan besides the inventory. */
export function addPlaybookOptions(cmd: Command): Command {
  return addInventoryOptions(cmd)
    .option('-t, --tags <tags>', 'only tasks with these tags (comma-separated)')
    .option('--skip-tags <tags>', 'skip tasks with these tags (comma-separated)')
    .addOption(new Option('-e, --extra-vars <key=value>', 'extra variable, highest precedence (repeatable; @file.yml reads a file)').argParser(collect).default([]))
    .addOption(new Option('--roles-path <dir>', 'another directory to find roles in (repeatable)').argParser(collect).default([]))
    .option('--secrets <file>', 'YAML file of secret values (name: value); or set ZONECTL_SECRET_<NAME>');
}

/** Options that govern a run against hosts (check, plan, apply). */
export function addRunOptions(cmd: Command): Command {
  return cmd
    .option('-f, --forks <n>', 'hosts worked on in parallel', (v) => parsePositiveInt(v, '--forks'), 50)
    .option('--accept-new-host-keys', 'add unknown host keys to known_hosts (never replaces a changed key)')
    .option('--allow-management-change', 'allow a plan to change the address or device the controller connects through')
    .option('--connect-timeout <seconds>', 'SSH connect timeout', (v) => parsePositiveInt(v, '--connect-timeout'), 15)
    .option('--command-timeout <seconds>', 'timeout for one remote script', (v) => parsePositiveInt(v, '--command-timeout'), 600);
}

export interface InventoryOptions {
  inventory: string[];
  limit?: string;
}

export interface PlaybookOptions extends InventoryOptions {
  tags?: string;
  skipTags?: string;
  extraVars: string[];
  rolesPath: string[];
  secrets?: string;
}

export interface RunOptions {
  forks: number;
  acceptNewHostKeys?: boolean;
  allowManagementChange?: boolean;
  connectTimeout: number;
  commandTimeout: number;
}

export function parsePositiveInt(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new InvalidArgumentError(`${name} must be a whole number of at least 1, not ${JSON.stringify(value)}`);
  }
  return n;
}

export function splitList(value: string | undefined): string[] {
  return value ? value.split(',').map((s) => s.trim()).filter(Boolean) : [];
}
