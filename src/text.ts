/** Text from outside (Domo, a proxy, a user) made safe for one log line. */

/** Control characters, including C1 and the Unicode line and paragraph separators. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

/**
 * One line of printable text, bounded: no line breaks (so no forged workflow command) and no
 * `::` left anywhere, however many colons were in a row.
 */
export function clean(text: string, max = 300): string {
  const flat = text
    .replace(CONTROL, ' ')
    .replace(/\s+/g, ' ')
    .replace(/:(?=:)/g, ': ')
    .trim();
  if (flat.length <= max) return flat;
  // Never cut a surrogate pair in half: the log would show a replacement character.
  const end = /[\ud800-\udbff]/.test(flat[max - 1] ?? '') ? max - 1 : max;
  return `${flat.slice(0, end)}…`;
}
