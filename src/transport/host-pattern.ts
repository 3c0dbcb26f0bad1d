/**
 * OpenSSH host pattern matching, as used in known_hosts: a comma-separated
 * list of patterns with `*` and `?` wildcards, where a `!pattern` that matches
 * excludes the host whatever else matches (ssh's match_hostname()).
 */

/** The name known_hosts stores for a host: `host` on port 22, else `[host]:port`. */
export function knownHostsName(host: string, port: number): string {
  const name = host.toLowerCase();
  return port === 22 ? name : `[${name}]:${port}`;
}

function wildcardToRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 's');
}

/** Whether `name` (already in known_hosts form) is matched by a pattern list. */
export function matchesHostPatterns(name: string, patternList: string): boolean {
  let matched = false;
  for (const raw of patternList.split(',')) {
    const negated = raw.startsWith('!');
    const pattern = (negated ? raw.slice(1) : raw).toLowerCase();
    if (pattern === '') continue;
    if (wildcardToRegExp(pattern).test(name)) {
      if (negated) return false;
      matched = true;
    }
  }
  return matched;
}
