/**
 * A host's probed state, as one hash: sha256 over every probe's stdout,
 * stderr and exit status, in order, each length-prefixed so that no two
 * different sets of outputs hash alike. Taken over REDACTED outputs, so a
 * plan file never holds a hash that depends on a secret value.
 */
import { createHash } from 'node:crypto';
import type { ProbeOutput } from '../modules/contract.ts';

export function fingerprintOutputs(outputs: readonly (ProbeOutput | undefined)[]): string {
  const hash = createHash('sha256');
  const field = (text: string): void => {
    const bytes = Buffer.from(text, 'utf8');
    hash.update(`${bytes.length}:`);
    hash.update(bytes);
  };
  for (const out of outputs) {
    if (!out) {
      field('missing');
      continue;
    }
    field(out.stdout);
    field(out.stderr);
    field(String(out.exitCode));
  }
  return `sha256:${hash.digest('hex')}`;
}
