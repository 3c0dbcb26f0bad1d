/**
 * YAML with source positions: every loader reports errors as `file:line:col`.
 *
 * `parseYaml` gives the parsed value and `locate(path)`/`locateKey(path)` that
 * find where any key or item is written. See ./schema.ts for the Ansible-
 * compatible scalars and `!secret NAME`, ./positions.ts for how positions are
 * rebuilt from js-yaml's listener events.
 */
import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { UserError, type SourceLocation } from '../errors/index.ts';
import { LineTable, mappingEntries, NodeCollector, sequenceItems, type YamlNode } from './positions.ts';
import { SECRET_TAG, ZONECTL_SCHEMA } from './schema.ts';

export type YamlPath = readonly (string | number)[];

export interface YamlDocument {
  /** Path as given (used in error locations). */
  file: string;
  /** The parsed data (null for an empty file). */
  value: unknown;
  /** Location of the value at `path` (mapping keys / sequence indexes); nearest existing ancestor when the path is missing. */
  locate(path: YamlPath): SourceLocation;
  /** Location of the KEY of the last path segment (for "unknown parameter" errors); falls back to locate(). */
  locateKey(path: YamlPath): SourceLocation;
}

export function parseYaml(text: string, file: string): YamlDocument {
  // js-yaml drops a leading BOM itself; dropping it here keeps our offsets equal to its offsets.
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const lines = new LineTable(source);
  const collector = new NodeCollector(source);
  let value: unknown;
  try {
    value = yaml.load(source, { filename: file, schema: ZONECTL_SCHEMA, listener: collector.listener });
  } catch (error) {
    throw error instanceof yaml.YAMLException ? yamlError(error, file, source, lines, collector) : error;
  }
  // js-yaml gives undefined for a file with no document at all.
  if (value === undefined) value = null;
  const root = collector.root;
  const at = (offset: number): SourceLocation => ({ file, ...lines.at(offset) });
  const fileStart: SourceLocation = { file, line: 1, col: 1 };

  /** The deepest node along `path` with the key it is the value of, and whether the whole path was found. */
  function walk(path: YamlPath): { node: YamlNode | undefined; key: YamlNode | undefined; found: boolean } {
    let node = root;
    let key: YamlNode | undefined;
    for (let i = 0; i < path.length && node; i++) {
      const segment = path[i] as string | number;
      if (node.kind === 'mapping') {
        const entry = mappingEntries(node).get(String(segment));
        if (!entry) return { node, key, found: false };
        // `? key` with no value: the key is all there is to show.
        if (!entry.value) return { node: undefined, key: entry.key, found: i === path.length - 1 };
        node = entry.value;
        key = entry.key;
      } else {
        const item = node.kind === 'sequence' && typeof segment === 'number' ? sequenceItems(node)[segment] : undefined;
        if (!item) return { node, key, found: false };
        node = item;
        key = undefined;
      }
    }
    return { node, key, found: true };
  }

  return {
    file,
    value,
    locate(path) {
      const { node, key } = walk(path);
      // An empty value (`hosts:` and nothing) is best shown at its key.
      if (node?.empty) return key ? at(key.start) : node === root ? fileStart : at(node.open);
      if (!node) return key ? at(key.start) : fileStart;
      return at(node.start);
    },
    locateKey(path) {
      const { key, found } = walk(path);
      if (found && key) return at(key.start);
      return this.locate(path);
    },
  };
}

/** Reads and parses a YAML file; a file that cannot be read is a UserError. */
export function loadYamlFile(file: string): YamlDocument {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UserError(`cannot read ${file}: ${describeReadError(error)}`);
  }
  return parseYaml(text, file);
}

export function describeReadError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return (error as Error).message;
}

/** Turns a js-yaml exception into a one-line located UserError. */
function yamlError(error: yaml.YAMLException, file: string, text: string, lines: LineTable, collector: NodeCollector): UserError {
  const reason = error.reason ?? error.message;
  const mark = error.mark as { position?: number; line?: number; column?: number } | undefined;
  let where: SourceLocation = { file, line: (mark?.line ?? 0) + 1, col: (mark?.column ?? 0) + 1 };
  // js-yaml marks tag errors after the node; the tag itself is where the node starts.
  const tagged = collector.current;
  const atNode = (): SourceLocation => (tagged ? { file, ...lines.at(tagged.start) } : where);

  if (reason === 'duplicated mapping key') {
    const key = keyAt(text, mark?.position ?? 0);
    return new UserError(`duplicate key ${JSON.stringify(key)}`, where, 'a key may appear only once in a mapping');
  }
  if (reason.startsWith('expected a single document')) {
    // js-yaml marks the start of the file; the second document starts at the next `---`.
    const from = collector.documentEnds[0] ?? 0;
    const marker = /^---/m.exec(text.slice(from));
    if (marker) where = { file, ...lines.at(from + marker.index) };
    return new UserError('more than one YAML document in this file', where, "one document per file; remove the extra '---'");
  }
  const unknownTag = /^unknown tag !<(.*)>$/.exec(reason);
  if (unknownTag) {
    where = atNode();
    const tag = unknownTag[1] ?? '';
    if (tag === SECRET_TAG) return new UserError(`${SECRET_TAG} must be followed by a name`, where, `${SECRET_TAG} NAME, not a list or mapping`);
    const hint = tag === '!vault' ? 'Ansible Vault is not supported; use !secret NAME' : `allowed: ${SECRET_TAG} NAME`;
    return new UserError(`unknown tag ${tag}`, where, hint);
  }
  if (reason === `cannot resolve a node with !<${SECRET_TAG}> explicit tag`) {
    const start = tagged?.start ?? 0;
    const lineEnd = text.slice(start).search(/[\r\n]|$/);
    const name = text.slice(start, start + lineEnd).replace(/^!secret\s*/, '').replace(/^(["'])(.*)\1$/, '$2');
    return new UserError(`invalid secret name ${JSON.stringify(name)}`, atNode(), `${SECRET_TAG} NAME, where NAME has letters, digits, _ . : -`);
  }
  return new UserError(`invalid YAML: ${reason}`, where);
}

/** The key text written at an offset (for the duplicate-key message). */
function keyAt(text: string, offset: number): string {
  const rest = text.slice(offset, text.indexOf('\n', offset) === -1 ? undefined : text.indexOf('\n', offset));
  const quoted = /^(["'])(.*?)\1\s*:/.exec(rest);
  if (quoted) return quoted[2] ?? '';
  const plain = /^(.*?)\s*:(?:\s|$)/.exec(rest);
  return (plain?.[1] ?? rest).trim();
}
