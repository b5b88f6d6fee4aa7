/**
 * Text from outside (Domo, a proxy, a user's input) made safe for one log line, and for a cell
 * of the job summary.
 *
 * GitHub's runner ends a line at `\n`, `\r\n` or a bare `\r`; it takes a line for a workflow
 * command when, after leading white space, it starts with `::`, or when it holds `##[`
 * anywhere (`##[error]x`). `clean()` leaves none of these: one line, no control characters,
 * no `::` and no `##[`, wherever they were.
 */

/** Control characters: C0, DEL, C1, and the Unicode line and paragraph separators. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const CONTROLS = new RegExp(`${CONTROL.source}+`, 'g');

/** The first line break or other control character in `text`, as U+XXXX; undefined if none. */
export function controlIn(text: string): string | undefined {
  const found = CONTROL.exec(text)?.[0];
  return found && `U+${found.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * One line of printable text, bounded: no line breaks (so no forged workflow command), no `::`
 * left anywhere however many colons were in a row (`a: :b`), and no `##[` (`# #[`).
 */
export function clean(text: string, max = 300): string {
  const flat = text
    .replace(CONTROLS, ' ')
    .replace(/\s+/g, ' ')
    .replace(/:(?=:)/g, ': ')
    .replace(/#(?=#\[)/g, '# ')
    .trim();
  if (flat.length <= max) return flat;
  // Never cut a surrogate pair in half: the log would show a replacement character.
  const end = /[\ud800-\udbff]/.test(flat.charAt(max - 1)) ? max - 1 : max;
  return `${flat.slice(0, end)}…`;
}

/**
 * Characters that could mean something in HTML or Markdown, as numeric character references:
 * a summary cell shows them as they are, and they open no tag, entity, link, code span, math
 * or table cell. (The summary's table is an HTML block, which one line cannot leave; the
 * Markdown escapes hold even if it could.)
 */
const MARKUP = /[&<>"'`|[\]\\!$~]/g;

/** A job summary cell: one clean line (see clean()), escaped for HTML and Markdown. */
export function cell(text: string, max = 300): string {
  return clean(text, max).replace(MARKUP, (c) => `&#${c.charCodeAt(0)};`);
}
