/**
 * A YAML file with the `file:line:col` of any key or item, for topology errors.
 * Lab-local stand-in until src/yaml exports `loadYamlFile` (same shape:
 * `{ value, locate(path) }`), when this file should re-export that instead.
 * js-yaml has no AST; its `listener` reports 'open'/'close' per node, which
 * rebuilds the node tree with each node's start offset.
 */
import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { UserError, type SourceLocation } from '../errors/index.ts';

export type YamlPath = (string | number)[];

export interface LocatedYaml {
  value: unknown;
  /** Where the value at `path` starts; with `key: true`, where its mapping key starts. Falls back to the nearest ancestor. */
  locate(path: YamlPath, options?: { key?: boolean }): SourceLocation;
}

interface Node {
  open: number;
  start: number;
  result: unknown;
  children: Node[];
}

export function loadYamlFile(file: string): LocatedYaml {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(`cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : String(code)}`);
  }
  return parseYaml(text, file);
}

export function parseYaml(text: string, file: string): LocatedYaml {
  const top: Node = { open: 0, start: 0, result: undefined, children: [] };
  const stack: Node[] = [top];
  const listener = (event: 'open' | 'close', state: { position: number; result: unknown }): void => {
    if (event === 'open') {
      const parent = stack[stack.length - 1] as Node;
      // js-yaml re-reads after backtracking: drop siblings the re-read overlaps.
      while (parent.children.length > 0 && (parent.children[parent.children.length - 1] as Node).open >= state.position) parent.children.pop();
      stack.push({ open: state.position, start: state.position, result: undefined, children: [] });
      return;
    }
    const node = stack.pop();
    if (!node || stack.length === 0) return;
    node.result = state.result;
    node.start = skipBlank(text, node.open, state.position);
    (stack[stack.length - 1] as Node).children.push(node);
  };
  const lines = lineStarts(text);
  const at = (offset: number): SourceLocation => {
    let lo = 0;
    let hi = lines.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((lines[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { file, line: lo + 1, col: offset - (lines[lo] as number) + 1 };
  };
  let value: unknown;
  try {
    value = yaml.load(text, { filename: file, listener, schema: yaml.CORE_SCHEMA });
  } catch (error) {
    if (error instanceof yaml.YAMLException) {
      const mark = error.mark as { line: number; column: number } | undefined;
      throw new UserError(error.reason || 'invalid YAML', mark ? { file, line: mark.line + 1, col: mark.column + 1 } : { file, line: 1, col: 1 });
    }
    throw error;
  }
  const root = top.children[top.children.length - 1];
  return {
    value,
    locate(path, options = {}) {
      let node = root;
      if (!node) return { file, line: 1, col: 1 };
      for (let i = 0; i < path.length; i++) {
        const step = path[i] as string | number;
        const found = child(node, step);
        if (!found) break;
        if (i === path.length - 1 && options.key && found.key) return at(found.key.start);
        node = found.value;
      }
      return at(node.start);
    },
  };
}

/** js-yaml reports some nodes twice, nested (a block sequence entry wraps its value): use the innermost. */
function unwrap(node: Node): Node {
  let n = node;
  while (n.children.length === 1 && (n.children[0] as Node).result === n.result && n.result !== null && typeof n.result === 'object') n = n.children[0] as Node;
  return n;
}

function child(outer: Node, step: string | number): { key?: Node; value: Node } | undefined {
  const node = unwrap(outer);
  if (Array.isArray(node.result)) {
    const item = typeof step === 'number' && node.children.length === node.result.length ? node.children[step] : undefined;
    return item ? { value: item } : undefined;
  }
  if (node.result && typeof node.result === 'object') {
    // A mapping's children alternate key, value.
    for (let i = 0; i + 1 < node.children.length; i += 2) {
      const key = node.children[i] as Node;
      if (String(key.result) === String(step)) return { key, value: node.children[i + 1] as Node };
    }
  }
  return undefined;
}

function skipBlank(text: string, from: number, to: number): number {
  let i = from;
  while (i < to) {
    const ch = text[i];
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') i++;
    else if (ch === '#') while (i < to && text[i] !== '\n') i++;
    else break;
  }
  return i < to ? i : from;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  return starts;
}
