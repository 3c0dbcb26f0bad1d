/**
 * The nft(8) input texts zonectl builds around a table's body.
 *
 * The body is placed right after `table F N {` on the SAME line, so nft's
 * error positions (`/dev/stdin:LINE:COL`) name the operator's own lines.
 */
import type { NftFamily } from './names.ts';
import { tableId } from './names.ts';

/** `table F N { <body> }`: the table alone, as the probe loads it in its private namespace. */
export function tableText(family: NftFamily, name: string, body: string): string {
  return `table ${tableId(family, name)} { ${body}\n}\n`;
}

/**
 * Replaces the table in ONE transaction: `table F N {}` makes sure it exists,
 * `delete table` empties the slate, then the new table. nft applies a file
 * as one transaction, so traffic never sees a half-built table and a failure
 * leaves the old one in place.
 */
export function replaceTableText(family: NftFamily, name: string, body: string): string {
  return `table ${tableId(family, name)} {}\ndelete table ${tableId(family, name)}\n${tableText(family, name, body)}`;
}

/** Removes the table if it exists, without failing when it does not. */
export function deleteTableText(family: NftFamily, name: string): string {
  return `table ${tableId(family, name)} {}\ndelete table ${tableId(family, name)}\n`;
}

/**
 * The persisted file: the same replace transaction, with the canonical
 * listing (as `nft -s list table` prints it) as the table. Loaded at boot
 * through the include in /etc/nftables.conf.
 */
export function persistedText(family: NftFamily, name: string, canonicalListing: string): string {
  return `${persistedPrefix(family, name)}${canonicalListing.replace(/\n*$/, '')}\n`;
}

/** What the persisted file holds before the listing (commands() writes the same bytes). */
export function persistedPrefix(family: NftFamily, name: string): string {
  return `# zonectl: table ${tableId(family, name)}, replaced as a whole at boot. Written by zonectl; edits here are overwritten.\n${deleteTableText(family, name)}`;
}
