/**
 * Sysctl key names, as sysctl(8) and sysctl.d(5) read them.
 *
 * Levels are separated by '.'; a '.' inside one level (a VLAN interface such as
 * eth1.100) is written '/': `net.ipv4.conf.eth1/100.proxy_arp`. A key whose
 * first separator is '/' is in path form (`net/ipv4/conf/eth1.100/proxy_arp`)
 * and means the same: '.' and '/' swap. zonectl keeps the dotted form.
 */

const KEY_CHARS = /^[A-Za-z0-9_][A-Za-z0-9_.:@+/-]*$/;

function swapSeparators(key: string): string {
  return key.replace(/[./]/g, (c) => (c === '.' ? '/' : '.'));
}

/** True when the first separator is '/', i.e. the key is in path form. */
function isPathForm(key: string): boolean {
  const slash = key.indexOf('/');
  const dot = key.indexOf('.');
  return slash !== -1 && (dot === -1 || slash < dot);
}

/** The dotted form `sysctl -a` prints. */
export function canonicalKey(key: string): string {
  return isPathForm(key) ? swapSeparators(key) : key;
}

/** The file under /proc/sys/ holding the key, e.g. `net/ipv4/conf/eth1.100/proxy_arp`. */
export function procPath(key: string): string {
  return swapSeparators(canonicalKey(key));
}

export function isValidKey(key: string): boolean {
  if (key.length > 255 || !KEY_CHARS.test(key)) return false;
  const levels = procPath(key).split('/');
  return levels.length >= 2 && levels.every((l) => l !== '' && l !== '.' && l !== '..');
}

/** Values compare as the kernel prints them, whitespace-normalised ("4096\t87380" = "4096 87380"). */
export function normaliseValue(value: string): string {
  return value.trim().replace(/\s+/g, ' ');
}

/**
 * The network interface a per-interface key belongs to
 * (`net.ipv4.conf.eth1/100.proxy_arp` → `eth1.100`), or null. Such a key
 * exists only while the interface does.
 */
export function interfaceOf(key: string): string | null {
  const levels = procPath(key).split('/');
  const [net, family, kind, name] = levels;
  if (net !== 'net' || (family !== 'ipv4' && family !== 'ipv6') || (kind !== 'conf' && kind !== 'neigh') || levels.length < 5) return null;
  return name === undefined || name === 'all' || name === 'default' ? null : name;
}
