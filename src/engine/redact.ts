/**
 * Everything a host sends back and every change a module describes passes
 * through here before it is printed, saved or compared.
 */
import type { Change } from '../modules/contract.ts';
import type { SecretStore } from '../secrets/index.ts';
import type { ReportedChange } from './types.ts';

export function redactDeep<T>(secrets: SecretStore, value: T): T {
  if (typeof value === 'string') return secrets.redact(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => redactDeep(secrets, v)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(secrets, v)])) as T;
  }
  return value;
}

export function redactChange(secrets: SecretStore, change: Change): ReportedChange {
  const out: ReportedChange = { summary: secrets.redact(change.summary) };
  if (change.diff !== undefined) out.diff = secrets.redact(change.diff);
  if (change.action) out.action = true;
  if (change.data !== undefined) out.data = redactDeep(secrets, change.data);
  return out;
}

/** The last lines of a command's error output, for a one-line message. */
export function tail(text: string, lines = 3): string {
  const kept = text.trim().split('\n').filter((l) => l.trim() !== '');
  return kept.slice(-lines).join(' | ');
}

/** Host and task errors print as one line: a module's multi-line message is joined with ` | `. */
export function oneLine(text: string): string {
  return text.trim().replace(/\s*\n\s*/g, ' | ');
}
