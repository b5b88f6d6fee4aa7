// @ts-check
// `npm run docs:summary-image`: runs a real job (the committed dist/ bundle, through the runner
// emulator, against the local Domo simulator, as `npm start` does) and draws the job summary it
// wrote into docs/job-summary.svg, styled like a job summary on GitHub's run page. The SVG is
// drawn here, in plain Node, from the summary's headings and tables, so the same summary always
// gives the same file: the job runs with a fixed clock, so that the expiry it shows does not
// change from one run to the next. `--check` exits 1 if the file on disk is not what this
// would write; `--out FILE` writes elsewhere.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { findLeaks, root, runStep, summaryText } from './runner.mjs';
import { startSimulator } from './simulator.mjs';

const { values: args } = parseArgs({
  options: {
    out: { type: 'string', default: join(root, 'docs', 'job-summary.svg') },
    check: { type: 'boolean', default: false },
  },
});

/** The job's clock: every Date.now() in the step's process answers this instant. */
const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);
const JOB = 'deploy';

// --- The job ---------------------------------------------------------------------------------

/** Runs the quick start's step (token mode) and returns the summary HTML it wrote. */
async function summaryOfAJob() {
  const sim = await startSimulator();
  try {
    const secret = 'sim-client-secret';
    const step = await runStep({
      inputs: {
        'client-id': 'sim-client-id',
        'client-secret': secret,
        scope: 'data user',
        'api-url': sim.url,
      },
      env: { NODE_OPTIONS: `--import=data:text/javascript,Date.now=()=>${NOW}`, GITHUB_JOB: JOB },
      timeoutMs: 30_000,
    });
    if (step.exitCode !== 0) {
      throw new Error(
        `the step failed (exit code ${step.exitCode}):\n${step.stdout}${step.stderr}`,
      );
    }
    const leaks = findLeaks(step, [secret, step.outputs['access-token']]);
    if (leaks.length > 0)
      throw new Error(`a secret reached the summary or log: ${leaks.join('; ')}`);
    if (!step.summary.trim()) throw new Error('the step wrote no job summary');
    return step.summary;
  } finally {
    await sim.close();
  }
}

// --- The summary, read back ------------------------------------------------------------------

// As a reader sees it: tags gone, entities (named and numeric) decoded, spaces folded.
const plain = (/** @type {string} */ html) => summaryText(html).replace(/\s+/g, ' ').trim();

/**
 * @typedef {{ heading: string, level: number, table?: undefined, paragraph?: undefined }
 *   | { table: Cell[][], heading?: undefined, paragraph?: undefined }
 *   | { paragraph: string, heading?: undefined, table?: undefined }} Block
 * @typedef {{ head: boolean, text: string }} Cell
 */

/**
 * The summary as blocks: { heading, level } and { table: [[{ text, head }]] }, in order.
 * @param {string} html
 */
export function blocks(html) {
  /** @type {Block[]} */
  const found = [];
  const pattern =
    /<h([1-6])[^>]*>([\s\S]*?)<\/h\1>|<table[^>]*>([\s\S]*?)<\/table>|<p[^>]*>([\s\S]*?)<\/p>/gi;
  // Each group below belongs to the alternative that matched, or is not optional.
  for (const m of html.matchAll(pattern)) {
    if (m[1]) found.push({ heading: plain(/** @type {string} */ (m[2])), level: Number(m[1]) });
    else if (m[3] !== undefined) {
      const rows = [...m[3].matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/gi)].map((row) =>
        [.../** @type {string} */ (row[1]).matchAll(/<t([hd])[^>]*>([\s\S]*?)<\/t[hd]>/gi)].map(
          (c) => ({
            head: /** @type {string} */ (c[1]).toLowerCase() === 'h',
            text: plain(/** @type {string} */ (c[2])),
          }),
        ),
      );
      found.push({ table: rows });
    } else found.push({ paragraph: plain(/** @type {string} */ (m[4])) });
  }
  return found;
}

// --- Text widths -------------------------------------------------------------------------------

// Advance widths (1/1000 em) of ASCII 32-126 in Helvetica, Arial and Liberation Sans, which
// share their metrics: the SVG asks for these fonts, so the columns fit the text they hold.
const REGULAR = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
  556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667,
  611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
  667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500,
  222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];
const BOLD = [
  278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556,
  556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722, 722, 667,
  611, 778, 722, 278, 556, 722, 611, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667,
  667, 611, 333, 278, 333, 584, 556, 333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556,
  278, 889, 611, 611, 611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584,
];

/**
 * Width in px of `text` at `size` px; anything outside ASCII counts as one em.
 * @param {string} text
 * @param {number} size
 */
function textWidth(text, size, bold = false) {
  const table = bold ? BOLD : REGULAR;
  let units = 0;
  for (const ch of text) {
    const code = /** @type {number} */ (ch.codePointAt(0));
    units += code >= 32 && code <= 126 ? /** @type {number} */ (table[code - 32]) : 1000;
  }
  return (units * size) / 1000;
}

// --- Drawing -----------------------------------------------------------------------------------

// GitHub's light theme, as its job summaries show Markdown.
const STYLE = {
  font: "Helvetica, Arial, 'Liberation Sans', sans-serif",
  text: '#1f2328',
  muted: '#59636e',
  border: '#d1d9e0',
  stripe: '#f6f8fa',
  canvas: '#ffffff',
  size: 14,
  headerHeight: 48,
  padX: 24,
  padY: 20,
  cellPadX: 13,
  rowHeight: 33,
};

/** @type {Record<string, string>} */
const XML_ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const escapeXml = (/** @type {string} */ s) => s.replace(/[&<>"']/g, (c) => XML_ESCAPES[c] ?? c);
const px = (/** @type {number} */ n) => Number(n.toFixed(2));

/**
 * @param {number} x
 * @param {number} y
 * @param {string} content
 */
function text(x, y, content, { size = STYLE.size, bold = false, fill = STYLE.text } = {}) {
  const weight = bold ? ' font-weight="600"' : '';
  return `<text x="${px(x)}" y="${px(y)}" font-size="${size}"${weight} fill="${fill}">${escapeXml(content)}</text>`;
}

/**
 * The summary's blocks drawn as GitHub draws a job's summary: a titled card.
 * @param {Block[]} summaryBlocks
 * @param {string} title
 */
export function render(summaryBlocks, title) {
  const s = STYLE;
  const parts = [];
  let y = s.headerHeight + s.padY;
  let contentWidth = textWidth(title, s.size, true);
  /** @type {Record<number, number>} */
  const headingSize = { 1: 28, 2: 21, 3: 17.5, 4: 14, 5: 12.25, 6: 11.9 };

  for (const block of summaryBlocks) {
    if (block.heading !== undefined) {
      const size = headingSize[block.level] ?? 14;
      y += size * 1.05;
      parts.push(text(s.padX, y, block.heading, { size, bold: true }));
      contentWidth = Math.max(contentWidth, textWidth(block.heading, size, true));
      y += size * 0.35 + 16;
    } else if (block.paragraph !== undefined) {
      y += s.size * 1.1;
      parts.push(text(s.padX, y, block.paragraph));
      contentWidth = Math.max(contentWidth, textWidth(block.paragraph, s.size));
      y += s.size * 0.4 + 16;
    } else {
      const rows = block.table;
      const columns = Math.max(...rows.map((row) => row.length));
      // Each column as wide as its widest cell, with a little room for a font that runs wide.
      const widths = Array.from({ length: columns }, (_, i) =>
        Math.ceil(
          Math.max(
            ...rows.map((row) => (row[i] ? textWidth(row[i].text, s.size, row[i].head) : 0)),
          ) *
            1.04 +
            2 * s.cellPadX,
        ),
      );
      const tableWidth = widths.reduce((a, b) => a + b, 0);
      const top = y;
      rows.forEach((row, r) => {
        const rowTop = top + r * s.rowHeight;
        // Like GitHub's Markdown: every second row is shaded, the header row counting as the first.
        if (r % 2 === 1) {
          parts.push(
            `<rect x="${s.padX}" y="${px(rowTop)}" width="${tableWidth}" height="${s.rowHeight}" fill="${s.stripe}"/>`,
          );
        }
        let x = s.padX;
        row.forEach((cell, c) => {
          parts.push(
            text(x + s.cellPadX, rowTop + s.rowHeight / 2 + 5, cell.text, { bold: cell.head }),
          );
          x += /** @type {number} */ (widths[c]);
        });
      });
      const height = rows.length * s.rowHeight;
      // The grid: one outline, a line under each row, a line between columns.
      const lines = [
        `M${s.padX + 0.5} ${px(top + 0.5)}h${tableWidth - 1}v${height - 1}h${1 - tableWidth}z`,
      ];
      for (let r = 1; r < rows.length; r++)
        lines.push(`M${s.padX} ${px(top + r * s.rowHeight + 0.5)}h${tableWidth}`);
      let x = s.padX;
      for (const w of widths.slice(0, -1)) {
        x += w;
        lines.push(`M${x + 0.5} ${px(top)}v${height}`);
      }
      parts.push(`<path d="${lines.join('')}" fill="none" stroke="${s.border}"/>`);
      contentWidth = Math.max(contentWidth, tableWidth);
      y = top + height + 16;
    }
  }

  const width = Math.ceil(contentWidth + 2 * s.padX);
  const height = Math.ceil(y - 16 + s.padY);
  const r = 6;
  const header = [
    // The card's title bar, its top corners rounded like the card's.
    `<path d="M0.5 ${s.headerHeight}V${r + 0.5}a${r - 0.5} ${r - 0.5} 0 0 1 ${r - 0.5}-${r - 0.5}H${width - r - 0.5}a${r - 0.5} ${r - 0.5} 0 0 1 ${r - 0.5} ${r - 0.5}V${s.headerHeight}z" fill="${s.stripe}"/>`,
    `<path d="M0 ${s.headerHeight - 0.5}H${width}" stroke="${s.border}"/>`,
    text(16, s.headerHeight / 2 + 5, title, { bold: true }),
  ];
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="title">`,
    `<title id="title">${escapeXml(
      `${title}: ${summaryBlocks
        .map((b) => b.heading ?? '')
        .filter(Boolean)
        .join(', ')}`,
    )}</title>`,
    `<g font-family="${STYLE.font}">`,
    `<rect x="0.5" y="0.5" width="${width - 1}" height="${height - 1}" rx="${r}" fill="${s.canvas}" stroke="${s.border}"/>`,
    ...header,
    ...parts,
    `<rect x="0.5" y="0.5" width="${width - 1}" height="${height - 1}" rx="${r}" fill="none" stroke="${s.border}"/>`,
    '</g>',
    '</svg>',
    '',
  ].join('\n');
}

// --- Main --------------------------------------------------------------------------------------

const html = await summaryOfAJob();
const shown = relative(process.cwd(), args.out) || args.out;
const svg = render(blocks(html), `${JOB} summary`);
if (args.check) {
  let current = '';
  try {
    current = readFileSync(args.out, 'utf8');
  } catch {
    // missing: differs
  }
  if (current !== svg) {
    console.error(
      `${args.out} is not what the job's summary draws: run npm run docs:summary-image.`,
    );
    process.exitCode = 1;
  } else console.log(`${shown} is up to date.`);
} else {
  writeFileSync(args.out, svg);
  console.log(`Wrote ${shown} (${svg.length} bytes) from the job summary:`);
  for (const b of blocks(html)) {
    if (b.heading) console.log(`  ${'#'.repeat(b.level)} ${b.heading}`);
    for (const row of b.table ?? []) console.log(`  | ${row.map((c) => c.text).join(' | ')} |`);
  }
}
