/**
 * Everything a host sends back and every change a module describes passes
 * through here before it is printed, saved or compared.
 */
import type { Change } from '../modules/contract.ts';
import { redactedLabel, type SecretStore } from '../secrets/index.ts';
import type { ReportedChange } from './types.ts';

export function redactDeep<T>(secrets: SecretStore, value: T): T {
  if (typeof value === 'string') return secrets.redact(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => redactDeep(secrets, v)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(secrets, v)])) as T;
  }
  return value;
}

/**
 * `params` are the task's compiled params (placeholders, not values): a diff
 * line removed from a file that matches a line of them holding a secret is
 * masked there too — the host's old value of a rotated password is a secret
 * the store does not know.
 */
export function redactChange(secrets: SecretStore, change: Change, params?: unknown): ReportedChange {
  const out: ReportedChange = { summary: maskOldValue(secrets.redact(change.summary)) };
  if (change.diff !== undefined) out.diff = maskOldSecrets(secrets.redact(change.diff), secretLines(params));
  if (change.action) out.action = true;
  if (change.data !== undefined) out.data = redactDeep(secrets, change.data);
  return out;
}

/**
 * The last lines of a command's error output, line structure kept: nft and
 * frr-reload point at a column with a `^` line under the offending line.
 */
export function tail(text: string, lines = 3): string {
  const kept = text.split('\n').map((l) => l.trimEnd()).filter((l) => l.trim() !== '');
  return kept.slice(-lines).join('\n');
}

/**
 * A module's error message as reported: surrounding blank space and blank
 * lines go, every other line stays as it is (renderers indent continuation
 * lines; --json keeps the newlines).
 */
export function errorText(text: string): string {
  return text
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== '')
    .join('\n')
    .replace(/^\s+/, '');
}

/** Continuation lines of a multi-line message, indented under its first line. */
export function indentContinuation(text: string, prefix: string): string {
  return text.replace(/\n/g, `\n${prefix}`);
}

/** A placeholder, split out with its name (the token format of src/secrets). */
const PLACEHOLDER = /@@secret\(([A-Za-z0-9_.:-]+)\)@@/;

interface SecretLine {
  /** The line with each placeholder as a capture group. */
  re: RegExp;
  /** [literal, name, literal, name, …, literal] */
  parts: string[];
}

/**
 * The lines of the params' text values that hold a placeholder. A value that
 * is only a placeholder counts only inside multi-line text (a file's content),
 * not as a scalar param, which would match any line.
 */
function secretLines(params: unknown): SecretLine[] {
  const out: SecretLine[] = [];
  const walk = (value: unknown): void => {
    if (typeof value === 'string') {
      if (!PLACEHOLDER.test(value)) return;
      const multiLine = value.includes('\n');
      for (const line of value.split('\n')) {
        const parts = line.split(new RegExp(PLACEHOLDER.source));
        if (parts.length < 3 || (!multiLine && parts.every((p, i) => i % 2 === 1 || p.trim() === ''))) continue;
        const pattern = parts.map((p, i) => (i % 2 === 1 ? '(.+?)' : p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('');
        out.push({ re: new RegExp(`^${pattern}$`), parts });
      }
    } else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(params);
  return out;
}

function maskOldSecrets(diff: string, lines: readonly SecretLine[]): string {
  if (lines.length === 0) return diff;
  return diff
    .split('\n')
    .map((line) => {
      if (!line.startsWith('-') || line.startsWith('---')) return line;
      const body = line.slice(1);
      const hit = lines.find((l) => l.re.test(body));
      if (!hit) return line;
      return `-${hit.parts.map((p, i) => (i % 2 === 1 ? redactedLabel(p).replace(/^<secret/, '<old secret') : p)).join('')}`;
    })
    .join('\n');
}

const ARROW = ' → ';

/**
 * A summary `KEY: OLD → NEW` whose new value is a secret: the old value is
 * the host's previous secret (a rotated password), which the store does not know.
 */
function maskOldValue(summary: string): string {
  const at = summary.lastIndexOf(ARROW);
  if (at < 0 || !summary.slice(at + ARROW.length).includes('<secret')) return summary;
  const head = summary.slice(0, at);
  const colon = head.lastIndexOf(': ');
  const start = colon < 0 ? 0 : colon + 2;
  const old = head.slice(start);
  if (old === '(not set)' || old === '<hidden>' || old.includes('<secret')) return summary;
  return `${head.slice(0, start)}<old secret>${summary.slice(at)}`;
}
