/**
 * Source positions for js-yaml, which has no AST: its `listener` reports an
 * 'open' and a 'close' event per node, and a stack of those events rebuilds the
 * node tree with each node's offsets. Pure; offsets become line/col through a
 * line table.
 *
 * What the listener reports (checked by experiment, see test/yaml):
 * - 'open' comes before the separating whitespace and comments, so the node
 *   starts at the first content character after it (an empty node has none);
 * - 'close' comes after the node, with `state.result` and `state.kind` set;
 * - a block mapping's children alternate key, value; an explicit `? key` with
 *   no value has no value node, nor has an empty sequence item (`-` alone);
 * - js-yaml backtracks in one place (a tagged node that might be a mapping): a
 *   child that opens before its previous sibling ended replaces the siblings it
 *   overlaps;
 * - a flow collection at a place a block mapping could start is reported
 *   twice, nested (js-yaml first tries to read it as a mapping key).
 */

export interface YamlNode {
  /** Offset of the 'open' event (before whitespace). */
  open: number;
  /** Offset of the first content character, or `open` when the node is empty. */
  start: number;
  end: number;
  empty: boolean;
  kind: string | null;
  result: unknown;
  children: YamlNode[];
  /** Built on first use: mapping key → [key node, value node]. */
  entries?: Map<string, { key: YamlNode; value: YamlNode | undefined }>;
}

interface ListenerState {
  position: number;
  kind: string | null;
  result: unknown;
}

/** Collects the node tree from js-yaml listener events. `root` is set once loading finished. */
export class NodeCollector {
  private readonly text: string;
  private readonly stack: YamlNode[] = [];
  private readonly top: YamlNode = { open: 0, start: 0, end: 0, empty: true, kind: null, result: null, children: [] };

  constructor(text: string) {
    this.text = text;
    this.stack.push(this.top);
  }

  readonly listener = (event: 'open' | 'close', state: ListenerState): void => {
    if (event === 'open') {
      const parent = this.stack[this.stack.length - 1] as YamlNode;
      // Backtracking: drop siblings that the re-read overlaps.
      while (parent.children.length > 0 && (parent.children[parent.children.length - 1] as YamlNode).end > state.position) {
        parent.children.pop();
      }
      this.stack.push({ open: state.position, start: state.position, end: state.position, empty: true, kind: null, result: null, children: [] });
      return;
    }
    const node = this.stack.pop();
    if (!node || this.stack.length === 0) return;
    node.end = state.position;
    node.kind = state.kind;
    node.result = state.result;
    // A flow collection read as a would-be mapping key comes wrapped in a second
    // node with the same result: the inner node has the children.
    const only = node.children.length === 1 ? node.children[0] : undefined;
    if (only && only.result === node.result && typeof node.result === 'object' && node.result !== null) {
      node.children = only.children;
    }
    const start = skipSpaceAndComments(this.text, node.open, node.end);
    node.empty = start >= node.end;
    node.start = node.empty ? node.open : start;
    (this.stack[this.stack.length - 1] as YamlNode).children.push(node);
  };

  /** The document's root node (undefined for an empty document). */
  get root(): YamlNode | undefined {
    return this.top.children[this.top.children.length - 1];
  }

  /** Where each document's root node ends (js-yaml reads every document before refusing a second one). */
  get documentEnds(): number[] {
    return this.top.children.map((node) => node.end);
  }

  /** The innermost node still open (where a tag error happened), if any. */
  get current(): YamlNode | undefined {
    if (this.stack.length <= 1) return undefined;
    const node = this.stack[this.stack.length - 1] as YamlNode;
    return { ...node, start: skipSpaceAndComments(this.text, node.open, this.text.length) };
  }
}

function skipSpaceAndComments(text: string, from: number, to: number): number {
  let i = from;
  while (i < to) {
    const ch = text[i];
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') i++;
    else if (ch === '#') {
      while (i < to && text[i] !== '\n' && text[i] !== '\r') i++;
    } else break;
  }
  return i;
}

/** Pairs a mapping node's children into keys and values. */
export function mappingEntries(node: YamlNode): Map<string, { key: YamlNode; value: YamlNode | undefined }> {
  if (node.entries) return node.entries;
  const entries = new Map<string, { key: YamlNode; value: YamlNode | undefined }>();
  const object = node.result as Record<string, unknown>;
  let pendingKey: YamlNode | undefined;
  for (const child of node.children) {
    if (pendingKey === undefined) {
      pendingKey = child;
      continue;
    }
    const keyName = String(pendingKey.result);
    // A child that is not this key's value but is itself a key means the key had no value node (`? key`).
    const isValue = sameValue(object[keyName], child.result) || !(String(child.result) in object);
    if (isValue) {
      entries.set(keyName, { key: pendingKey, value: child });
      pendingKey = undefined;
    } else {
      entries.set(keyName, { key: pendingKey, value: undefined });
      pendingKey = child;
    }
  }
  if (pendingKey !== undefined) entries.set(String(pendingKey.result), { key: pendingKey, value: undefined });
  node.entries = entries;
  return entries;
}

function sameValue(a: unknown, b: unknown): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}

/**
 * Sequence items aligned with the array: an empty item (`-` alone on its line)
 * has no node of its own, so it is undefined here.
 */
export function sequenceItems(node: YamlNode): (YamlNode | undefined)[] {
  const items = Array.isArray(node.result) ? (node.result as unknown[]) : [];
  const aligned: (YamlNode | undefined)[] = [];
  let c = 0;
  for (let i = 0; i < items.length; i++) {
    const child = node.children[c];
    const missing = items.length - i > node.children.length - c;
    if (child && (!missing || items[i] !== null || sameValue(child.result, items[i]))) {
      aligned.push(child);
      c++;
    } else aligned.push(undefined);
  }
  return aligned;
}

/** 1-based line and column of offsets in a text. */
export class LineTable {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (ch === 10) this.starts.push(i + 1);
      else if (ch === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        this.starts.push(i + 1);
      }
    }
  }
  at(offset: number): { line: number; col: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: offset - (this.starts[lo] as number) + 1 };
  }
}
