/** Small shape checks shared by the playbook loaders. */

export function isMapping(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * A name or a list of names (`tags: [a, b]`, `notify: restart frr`). For tags a
 * comma-separated string counts as a list, as in Ansible; handler names may
 * hold commas. Undefined when the shape is wrong; [] when absent.
 */
export function stringList(value: unknown, commaSeparated = true): string[] | undefined {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return commaSeparated ? value.split(',').map((s) => s.trim()).filter(Boolean) : [value];
  if (typeof value === 'number') return [String(value)];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number')) return value.map(String);
  return undefined;
}
