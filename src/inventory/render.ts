/**
 * `zonectl inventory` output: hosts with their groups, connection, platform and
 * merged variables (each with where it came from), and groups. Secret
 * placeholders and variables secret by name are shown redacted.
 */
import { formatLocation } from '../errors/index.ts';
import { containsSecret, redactedLabel, redactTokens } from '../secrets/index.ts';
import type { Inventory, InventoryHost } from './types.ts';

/**
 * Variables that are secret by their name (Ansible's `ansible_password`,
 * `ansible_become_pass`, a `bgp_password`, an `api_token`…): their written
 * value is never printed, only `<secret>`. Paths to secrets (`*_file`) are not.
 */
const SECRET_NAME = /(?:^|_)(?:pass|password|passwd|passphrase|secret|token)(?:$|_)/i;

export function isSecretVariable(name: string): boolean {
  return SECRET_NAME.test(name) && !/_file$/i.test(name);
}

function shownVars(vars: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, isSecretVariable(k) && v !== null && v !== '' && !containsSecret(v) ? redactedLabel('inline:') : v]));
}

/** Renders the given hosts (in inventory order) and the groups they are in. */
export function renderInventory(inv: Inventory, hosts: string[], format: 'text' | 'json'): string {
  const wanted = new Set(hosts);
  const selected = [...inv.hosts.values()].filter((h) => wanted.has(h.name));
  const limited = selected.length !== inv.hosts.size;
  const groups = [...inv.groups.values()]
    .map((g) => ({ name: g.name, hosts: g.hosts.filter((h) => wanted.has(h)), children: g.children }))
    .filter((g) => !limited || g.hosts.length > 0);
  const listed = new Set(groups.map((g) => g.name));
  for (const g of groups) g.children = g.children.filter((c) => listed.has(c));

  if (format === 'json') {
    const out = {
      hosts: Object.fromEntries(selected.map((h) => [h.name, hostJson(h)])),
      groups: Object.fromEntries(groups.map((g) => [g.name, { hosts: g.hosts, children: g.children }])),
    };
    return `${redactTokens(JSON.stringify(out, null, 2))}\n`;
  }

  const lines: string[] = ['groups:'];
  const width = Math.max(0, ...groups.map((g) => g.name.length));
  for (const g of groups) {
    const parts = [];
    if (g.children.length) parts.push(`children: ${g.children.join(', ')}`);
    parts.push(`hosts: ${g.hosts.length ? g.hosts.join(', ') : '(none)'}`);
    lines.push(`  ${g.name.padEnd(width)}  ${parts.join('  ')}`);
  }
  lines.push('', 'hosts:');
  for (const h of selected) {
    const c = h.connection;
    lines.push(`  ${h.name}  (${formatLocation(h.location)})`);
    lines.push(`    groups: ${h.groups.join(', ')}`);
    const connection = [`${c.user}@${c.address.includes(':') ? `[${c.address}]` : c.address}:${c.port}`, `become: ${c.become ? 'yes' : 'no'}`];
    if (c.identity_file) connection.push(`identity_file: ${c.identity_file}`);
    if (c.known_hosts) connection.push(`known_hosts: ${c.known_hosts}`);
    if (c.jump.length) connection.push(`jump: ${c.jump.join(' → ')}`);
    lines.push(`    connection: ${connection.join('  ')}`);
    lines.push(`    platform: ${h.platform}`);
    const vars = shownVars(h.vars);
    const keys = Object.keys(vars);
    if (keys.length === 0) {
      lines.push('    vars: (none)');
      continue;
    }
    lines.push('    vars:');
    // Redacted before padding, so the origins line up.
    const shown = keys.map((k) => redactTokens(`${k}: ${JSON.stringify(vars[k]) ?? 'null'}`));
    const pad = Math.min(60, Math.max(...shown.map((s) => s.length)));
    keys.forEach((k, i) => {
      const origin = h.origins[k];
      const where = origin ? `(${origin.level}, ${formatLocation(origin.location)})` : '';
      lines.push(`      ${(shown[i] as string).padEnd(pad)}  ${where}`);
    });
  }
  return `${redactTokens(lines.join('\n'))}\n`;
}

function hostJson(h: InventoryHost) {
  return {
    groups: h.groups,
    vars: shownVars(h.vars),
    origins: Object.fromEntries(Object.entries(h.origins).map(([k, o]) => [k, { level: o.level, location: formatLocation(o.location) }])),
    connection: h.connection,
    platform: h.platform,
  };
}
