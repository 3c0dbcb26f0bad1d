/**
 * Hides the secrets FRR configuration text can hold (BGP/vty passwords, OSPF
 * and IS-IS keys, key-chain strings) in anything zonectl prints. The engine
 * already redacts values it knows; this also hides values it cannot know,
 * such as the OLD password still in a router's running configuration.
 * Matches anywhere in a line, so diff lines (`+ neighbor … password X`) and
 * vtysh's error echo (`line 4: % Unknown command: … password X`) are covered;
 * the rest of the line after the keyword is hidden.
 */

export const MASK = '<secret>';

const SECRET = [
  /(\bpassword(?:\s+[0-9])?\s+)\S.*$/,
  /(\bauthentication-key\s+)\S.*$/,
  /(\bmessage-digest-key\s+\d+\s+md5\s+)\S.*$/,
  /(\bkey-string\s+)\S.*$/,
  /(\b(?:isis|area|domain)(?:\s+|-)password\s+(?:clear|md5)\s+)\S.*$/,
];

/** One line with its secret value replaced by MASK. */
export function maskLine(line: string): string {
  for (const re of SECRET) {
    if (re.test(line)) return line.replace(re, `$1${MASK}`);
  }
  return line;
}

/** Every line of FRR text (a config, a diff, vtysh output) with secrets masked. */
export function maskSecrets(text: string): string {
  return text.split('\n').map(maskLine).join('\n');
}

/**
 * The same masking as a `sed -E` program, for output that stays on the host
 * until it is printed (frr-reload.py's log on failure).
 */
export const MASK_SED =
  's/((password|authentication-key|key-string)([[:space:]]+[0-9])?[[:space:]]+|message-digest-key[[:space:]]+[0-9]+[[:space:]]+md5[[:space:]]+)[^[:space:]].*$/\\1<secret>/';
