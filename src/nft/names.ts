/**
 * nftables families and table names as zonectl accepts them. Names are
 * checked when the plan is compiled, so only safe words reach a shell.
 */

/** The address families nft(8) knows. */
export const NFT_FAMILIES = ['ip', 'ip6', 'inet', 'bridge', 'arp', 'netdev'] as const;
export type NftFamily = (typeof NFT_FAMILIES)[number];

/**
 * A table name: what nft's scanner reads as one identifier, limited to the
 * characters operators use (letters, digits, _ -), up to 64 characters.
 */
export const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,63}$/;
export const TABLE_NAME_RULE = 'a letter or _, then letters, digits, _ or -, at most 64 characters, e.g. ip4_firewall';

/**
 * The table the probe adds beside the desired one in its private network
 * namespace, to prove the content did not step outside its own table.
 */
export const SENTINEL_TABLE = { family: 'netdev', name: 'zonectl_probe_sentinel' } as const;

/** `FAMILY NAME`, as nft prints and reads a table's identity. */
export function tableId(family: NftFamily, name: string): string {
  return `${family} ${name}`;
}
