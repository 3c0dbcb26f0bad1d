/**
 * Shell text that loads a desired table into a private, throwaway network
 * namespace (`unshare --net`: a new namespace has its own, empty nftables)
 * and runs nft commands there. The live ruleset is never touched.
 *
 * A new namespace has only `lo`, but some rules need their device to exist
 * when they load (`iif eth1`, by index). Every host interface whose name
 * appears in the body is mirrored there first, as a dummy device or, where
 * the kernel has no dummy driver, a tap device: nft lists rules by the
 * device's name, so the listing is the same as on the host.
 */
import { quote, command } from '../../shell/quote.ts';
import { tableText } from '../../nft/transaction.ts';
import type { NftablesParams } from './schema.ts';

/** Inside the namespace: mirror the interfaces given as arguments, then run `then`. */
function insideScript(then: string): string {
  return `set -f; for zc_if in "$@"; do ip link add "$zc_if" type dummy 2>/dev/null || ip tuntap add dev "$zc_if" mode tap 2>/dev/null || true; done; ${then}`;
}

/**
 * Sets `zc_desired` (the table text) and `zc_ifs` (host interfaces named in
 * it, space-separated: kernel interface names hold no whitespace).
 */
export function desiredVariables(p: NftablesParams): string {
  return [
    `zc_desired=${quote(tableText(p.family, p.table, p.content ?? ''))}`,
    `zc_ifs=$(set -f; for zc_if in $(ls /sys/class/net 2>/dev/null); do [ "$zc_if" = lo ] && continue; case "$zc_desired" in *"$zc_if"*) printf '%s ' "$zc_if";; esac; done)`,
  ].join('\n');
}

/**
 * A command (for `$( … )`) whose stdin is the desired table and which runs
 * `then` (nft commands, `nft -f -` reading that table) in the private
 * namespace. Needs desiredVariables() before it.
 */
export function inPrivateNetns(then: string): string {
  return `printf '%s' "$zc_desired" | (set -f; unshare --net sh -c ${quote(insideScript(then))} zonectl $zc_ifs)`;
}

/** nft -s list of the desired table, loaded in the private namespace. */
export function canonicalListingCommand(p: NftablesParams): string {
  return inPrivateNetns(`nft -f - && ${command('nft', '-s', 'list', 'table', p.family, p.table)}`);
}
