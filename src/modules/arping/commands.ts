import type { Change } from '../contract.ts';
import { requireDevice } from '../../netconfig/shell.ts';
import { quote } from '../../shell/quote.ts';
import type { ArpingParams } from './schema.ts';

/** `arping -U -c N -s IP -I DEV TARGET`: an unsolicited ARP that updates neighbours' caches. */
export function arpingCommands(changes: readonly Change[], p: ArpingParams): string {
  if (changes.length === 0) return '';
  const target = p.gateway ?? p.address;
  return [requireDevice('arping', p.dev), ['arping', '-U', '-c', String(p.count), '-s', p.address, '-I', p.dev, target].map(quote).join(' ') + ' >/dev/null'].join('\n');
}
