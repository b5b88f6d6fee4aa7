// The part of @actions/core (the version in FOLLOWS; MIT, Copyright 2019 GitHub; its licence is
// in dist/licenses.txt) that domo-auth calls, written out as the package writes it: workflow
// commands on stdout, file commands (outputs, environment, path, state), the job summary.
// The package's entry point also loads what the action never calls and a bundler cannot leave
// out: OIDC tokens (with @actions/http-client's auth handlers), runner platform details, path
// helpers, input readers, a dozen summary builders: about 10 KB of the bundle. tsconfig's
// `paths` points the bundler here instead. The unit tests run the real package, and
// __tests__/core-shim*.test.ts and shims-core-*.test.ts hold this file to it, call for call.
// A new call the action needs is a type error until it is added here, the same way.
import { randomUUID } from 'node:crypto';
import { accessSync, appendFileSync, constants, existsSync } from 'node:fs';

/**
 * The release this file is written from. __tests__/shims-follow.test.ts fails when the locked
 * package moves on, so that a version bump is a review of this file.
 */
export const FOLLOWS = '3.0.1';

// os.EOL and path.delimiter, told from the platform: loading node:os for them would cost a
// quarter of a millisecond on Node 24.
const WINDOWS = process.platform === 'win32';
const EOL = WINDOWS ? '\r\n' : '\n';
const DELIMITER = WINDOWS ? ';' : ':';

/** Anything but a string goes out as JSON; nothing at all as ''. */
function toCommandValue(input: unknown): string {
  if (input === null || input === undefined) return '';
  if (typeof input === 'string' || input instanceof String) return String(input);
  return JSON.stringify(input);
}

const escapeData = (s: unknown): string =>
  toCommandValue(s).replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');

const escapeProperty = (s: string): string =>
  escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/**
 * A workflow command. `name` is the only property any command the action issues carries; the
 * package writes the space before the properties whenever a command has one, empty or not.
 */
function issueCommand(command: string, message: unknown, name?: string): void {
  const props = name === undefined ? '' : ` ${name && `name=${escapeProperty(name)}`}`;
  process.stdout.write(`::${command}${props}::${escapeData(message)}${EOL}`);
}

function appendToFile(filePath: string, message: string): void {
  if (!existsSync(filePath)) throw new Error(`Missing file at path: ${filePath}`);
  appendFileSync(filePath, `${message}${EOL}`);
}

function prepareKeyValueMessage(key: string, value: unknown): string {
  const delimiter = `ghadelimiter_${randomUUID()}`;
  const converted = toCommandValue(value);
  if (key.includes(delimiter)) {
    throw new Error(`Unexpected input: name should not contain the delimiter "${delimiter}"`);
  }
  if (converted.includes(delimiter)) {
    throw new Error(`Unexpected input: value should not contain the delimiter "${delimiter}"`);
  }
  return `${key}<<${delimiter}${EOL}${converted}${EOL}${delimiter}`;
}

/** A file command when the runner gave its file, the older stdout command when not. */
function keyValue(file: string, command: string, name: string, value: unknown): void {
  const filePath = process.env[`GITHUB_${file}`];
  if (filePath) appendToFile(filePath, prepareKeyValueMessage(name, value));
  else issueCommand(command, value, name);
}

export function exportVariable(name: string, value: unknown): void {
  process.env[name] = toCommandValue(value);
  keyValue('ENV', 'set-env', name, value);
}

export function addPath(inputPath: string): void {
  const filePath = process.env.GITHUB_PATH;
  if (filePath) appendToFile(filePath, inputPath);
  else issueCommand('add-path', inputPath);
  process.env.PATH = `${inputPath}${DELIMITER}${process.env.PATH}`;
}

export function setSecret(secret: string): void {
  issueCommand('add-mask', secret);
}

export function setOutput(name: string, value: unknown): void {
  if (!process.env.GITHUB_OUTPUT) process.stdout.write(EOL);
  keyValue('OUTPUT', 'set-output', name, value);
}

export function saveState(name: string, value: unknown): void {
  keyValue('STATE', 'save-state', name, value);
}

export function getState(name: string): string {
  return process.env[`STATE_${name}`] || '';
}

export function isDebug(): boolean {
  return process.env.RUNNER_DEBUG === '1';
}

export function debug(message: string): void {
  issueCommand('debug', message);
}

export function info(message: string): void {
  process.stdout.write(message + EOL);
}

export function warning(message: string | Error): void {
  issueCommand('warning', message instanceof Error ? message.toString() : message);
}

export function error(message: string | Error): void {
  issueCommand('error', message instanceof Error ? message.toString() : message);
}

export function setFailed(message: string | Error): void {
  process.exitCode = 1;
  error(message);
}

export type SummaryTableRow = Array<string | { data: string; header?: boolean }>;

/** The job summary: HTML built up in a buffer, appended to GITHUB_STEP_SUMMARY by write(). */
class Summary {
  private buffer = '';

  /**
   * The package keeps the first path it wrote to and checks it no more; the action writes one
   * summary a step, so this checks the file each time it writes.
   */
  private path(): string {
    const fromEnv = process.env.GITHUB_STEP_SUMMARY;
    if (!fromEnv) {
      throw new Error(
        'Unable to find environment variable for $GITHUB_STEP_SUMMARY. Check if your runtime environment supports job summaries.',
      );
    }
    try {
      accessSync(fromEnv, constants.R_OK | constants.W_OK);
    } catch {
      throw new Error(
        `Unable to access summary file: '${fromEnv}'. Check if the file has correct read/write permissions.`,
      );
    }
    return fromEnv;
  }

  private wrap(tag: string, content: string): string {
    return content ? `<${tag}>${content}</${tag}>` : `<${tag}>`;
  }

  /**
   * Appends the buffer to the summary file, then empties the buffer. The package writes
   * through fs/promises; the file is small and the step ends right after, so this writes
   * synchronously and spares the step loading fs/promises (about 1 ms on Node 24).
   */
  async write(): Promise<Summary> {
    appendFileSync(this.path(), this.buffer);
    return this.emptyBuffer();
  }

  stringify(): string {
    return this.buffer;
  }

  emptyBuffer(): Summary {
    this.buffer = '';
    return this;
  }

  addRaw(text: string): Summary {
    this.buffer += text;
    return this;
  }

  addEOL(): Summary {
    return this.addRaw(EOL);
  }

  addHeading(text: string, level: number | string = 1): Summary {
    // h1 to h6; anything else is h1, as in the package.
    const tag = ['2', '3', '4', '5', '6'].includes(String(level)) ? `h${level}` : 'h1';
    return this.addRaw(this.wrap(tag, text)).addEOL();
  }

  addTable(rows: SummaryTableRow[]): Summary {
    const body = rows
      .map((row) => {
        const cells = row.map((cell) =>
          typeof cell === 'string'
            ? this.wrap('td', cell)
            : this.wrap(cell.header ? 'th' : 'td', cell.data),
        );
        return this.wrap('tr', cells.join(''));
      })
      .join('');
    return this.addRaw(this.wrap('table', body)).addEOL();
  }
}

export const summary = new Summary();
