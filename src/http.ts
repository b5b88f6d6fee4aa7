/**
 * The transport: one HTTP attempt over @actions/http-client (which honours https_proxy and
 * no_proxy), with a hard per-attempt time limit, a cap on the answer's size, no redirects,
 * and every way of failing turned into one DomoError that says what happened.
 */
import { getProxyUrl, HttpClient } from '@actions/http-client';
import type { RequestHandler } from '@actions/http-client/lib/interfaces';
import type { IncomingHttpHeaders, IncomingMessage, RequestOptions } from 'node:http';
import { DomoError, type FailureKind } from './errors.js';
import { scrub } from './secrets.js';
import { clean } from './text.js';

export interface HttpRequest {
  method: 'GET' | 'POST' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The answer as text; '' when it is not text (see `notText`). */
  body: string;
  /**
   * Set when the answer is not text, and why (`gzip-encoded`, `not UTF-8`, `binary control
   * bytes`): such an answer is described, never quoted.
   */
  notText?: string;
}

/** Sends one request; rejects with a TransportFailure when no complete answer arrives. */
export type Transport = (request: HttpRequest) => Promise<HttpResponse>;

export class TransportFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    readonly detail: string,
  ) {
    super(detail);
  }
}

/** Domo's answers are a few hundred bytes; anything near this is not Domo talking. */
export const MAX_BODY_BYTES = 1024 * 1024;
export const USER_AGENT = 'domo-auth-action/1';

export interface TransportOptions {
  timeoutMs: number;
  maxBodyBytes?: number;
  userAgent?: string;
}

export function createTransport(options: TransportOptions): Transport {
  const maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const seconds = options.timeoutMs / 1000;
  return async (request) => {
    // A client per attempt, so that a timed-out attempt's sockets can be destroyed with it.
    const client = new HttpClient(options.userAgent ?? USER_AGENT, [], {
      allowRedirects: false,
      allowRetries: false,
      keepAlive: false,
      socketTimeout: options.timeoutMs,
    });
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(new TransportFailure('timeout', `no complete answer within ${seconds} s`));
        client.dispose();
      }, options.timeoutMs);
    });
    if (!getProxyUrl(request.url)) client.handlers.push(bareIpv6Host);
    const exchange = (async (): Promise<HttpResponse> => {
      const response = await client.request(request.method, request.url, request.body ?? null, {
        accept: 'application/json',
        // Domo's answers are small; a compressed one would be quoted as garbage in an error.
        'accept-encoding': 'identity',
        ...request.headers,
      });
      const { statusCode, headers } = response.message;
      const bytes = await readBody(response.message, maxBodyBytes);
      return { status: statusCode ?? 0, headers, ...asText(bytes, headers) };
    })();
    try {
      return await Promise.race([exchange, deadline]);
    } catch (err) {
      throw err instanceof TransportFailure ? err : classify(err, request.url, seconds);
    } finally {
      clearTimeout(timer);
    }
  };
}

/**
 * @actions/http-client hands Node the URL's `hostname`, which keeps an IPv6 literal's brackets:
 * Node then looks up "[::1]" as a host name and fails with ENOTFOUND. Without a proxy in
 * between (a proxy's CONNECT needs the brackets), the socket gets the bare address; Node still
 * writes the Host header with brackets.
 */
export const bareIpv6Host: RequestHandler = {
  prepareRequest(options: RequestOptions): void {
    const host = options.host;
    if (typeof host === 'string' && /^\[[0-9a-f:.]+\]$/i.test(host))
      options.host = host.slice(1, -1);
  },
  canHandleAuthentication: () => false,
  handleAuthentication: () => Promise.reject(new Error('domo-auth does not answer challenges')),
};

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The body as text, or why it is not: a content-encoding other than identity (sent although
 * the request asked for none), bytes that are not UTF-8, or control bytes that no JSON or HTML
 * answer holds.
 */
export function asText(
  bytes: Buffer,
  headers: IncomingHttpHeaders,
): Pick<HttpResponse, 'body' | 'notText'> {
  const encoding = String(headers['content-encoding'] ?? '').trim();
  if (encoding && encoding.toLowerCase() !== 'identity') {
    return { body: '', notText: `${clean(encoding, 40)}-encoded` };
  }
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    return { body: '', notText: 'not UTF-8' };
  }
  if (/[\u0000-\u0008\u000b\u000e-\u001f\u007f]/.test(text)) {
    return { body: '', notText: 'binary control bytes' };
  }
  return { body: text };
}

/** What an answer's body says, for an error: a description when it is not text. */
function said(response: HttpResponse): string | undefined {
  if (response.notText !== undefined) return `an answer that is not text: ${response.notText}`;
  return domoMessage(response.body);
}

/**
 * The same transport, telling `log` about every attempt (method, URL, outcome, time): for
 * debug logs. URLs carry no credentials; the runner's log still passes through redaction.
 */
export function withLog(
  transport: Transport,
  log: (line: string) => void,
  now: () => number = Date.now,
): Transport {
  return async (request) => {
    const started = now();
    const took = () => `${now() - started} ms`;
    try {
      const response = await transport(request);
      log(`${request.method} ${request.url}: HTTP ${response.status} in ${took()}`);
      return response;
    } catch (err) {
      const why = err instanceof TransportFailure ? err.detail : String(err);
      log(`${request.method} ${request.url}: ${why} after ${took()}`);
      throw err;
    }
  };
}

/**
 * The whole body, up to `limit` bytes. A body cut off before its end rejects (Node: ECONNRESET,
 * "aborted"); leaving the loop early destroys the stream.
 */
async function readBody(message: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of message as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit)
      throw new TransportFailure('response', `the answer is larger than ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EAI_NODATA']);
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'HPE_INVALID_CONSTANT']);
const TLS_CODE =
  /^(CERT_|ERR_TLS_|ERR_SSL_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_(GET|VERIFY)_|ERR_OSSL_)/;

/** Maps a socket-level error to what it means for the user and for retrying. */
export function classify(err: unknown, url: string, seconds: number): TransportFailure {
  const e = err as NodeJS.ErrnoException;
  const code = typeof e?.code === 'string' ? e.code : '';
  const message = typeof e?.message === 'string' ? e.message : String(err);
  let host = url;
  try {
    host = new URL(url).host;
  } catch {
    // keep the URL as it is
  }
  if (code === 'ECONNREFUSED')
    return new TransportFailure('refused', `connection refused by ${host}`);
  if (DNS_CODES.has(code))
    return new TransportFailure('dns', `host name ${host} not found (${code})`);
  if (TLS_CODE.test(code))
    return new TransportFailure('tls', `TLS failure talking to ${host} (${code})`);
  if (code === 'ETIMEDOUT' || message.startsWith('Request timeout')) {
    return new TransportFailure('timeout', `no complete answer within ${seconds} s`);
  }
  if (RESET_CODES.has(code) || /socket hang up|tunneling socket/i.test(message)) {
    return new TransportFailure('reset', `connection to ${host} broken (${code || message})`);
  }
  if (code.startsWith('HPE_')) {
    return new TransportFailure('response', `malformed HTTP answer from ${host} (${code})`);
  }
  return new TransportFailure('network', `network error talking to ${host} (${code || 'no code'})`);
}

/**
 * The page title, found with indexOf: a regex over a megabyte of unclosed `<title` tags would
 * backtrack for minutes.
 */
function htmlTitle(html: string): string | undefined {
  const lower = html.toLowerCase();
  const open = lower.indexOf('<title');
  if (open === -1) return undefined;
  const start = lower.indexOf('>', open) + 1;
  if (start === 0) return undefined;
  const end = lower.indexOf('</title>', start);
  return end === -1 ? undefined : html.slice(start, end);
}

/** Domo's own words from an error body, cleaned for a log line; undefined if it said nothing. */
export function domoMessage(body: string): string | undefined {
  const text = body.trim();
  if (!text) return undefined;
  if (/^<(!doctype|html|head|body|\?xml)/i.test(text) || /<\/(html|body|title)>/i.test(text)) {
    const title = scrub(htmlTitle(text) ?? '');
    const named = title ? ` titled "${title}"` : '';
    return `an HTML page${named}, not JSON: a proxy or gateway answered instead of Domo's API`;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return `"${scrub(text, 200)}"`;
  }
  // Any JSON value but null can be indexed; only an object has these keys.
  const o = json as Record<string, unknown> | null;
  for (const key of ['error_description', 'message', 'reason', 'statusReason', 'error']) {
    const value = o?.[key];
    const said = typeof value === 'string' ? scrub(value) : '';
    if (said) return said;
  }
  return undefined;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * When the server said to come back: Retry-After, or (GitHub's spent rate limit) the time in
 * x-ratelimit-reset, as an HTTP date for the retry policy to read with its own clock.
 */
function retryAfter(headers: IncomingHttpHeaders): string | undefined {
  const after = header(headers, 'retry-after');
  if (after !== undefined || header(headers, 'x-ratelimit-remaining') !== '0') return after;
  const reset = header(headers, 'x-ratelimit-reset') ?? '';
  return /^\d{1,12}$/.test(reset) ? new Date(Number(reset) * 1000).toUTCString() : undefined;
}

/**
 * Sends one request and returns a 2xx answer. Everything else becomes a DomoError naming
 * the call: transport failures, redirects (never followed: they would carry credentials
 * elsewhere), and error statuses with Domo's own message.
 */
export async function send(
  transport: Transport,
  call: string,
  request: HttpRequest,
): Promise<HttpResponse> {
  let response: HttpResponse;
  try {
    response = await transport(request);
  } catch (err) {
    const failure = err instanceof TransportFailure ? err : classify(err, request.url, 0);
    throw new DomoError({ call, kind: failure.kind, detail: failure.detail });
  }
  const { status } = response;
  if (status >= 200 && status < 300) return response;
  if (status >= 300 && status < 400) {
    const location = header(response.headers, 'location');
    let where = 'elsewhere';
    if (location) {
      try {
        const target = new URL(location, request.url);
        where = `to ${clean(`${target.origin}${target.pathname}`, 200)}`;
      } catch {
        where = 'to an unreadable location';
      }
    }
    throw new DomoError({
      call,
      kind: 'redirect',
      status,
      detail: `a redirect ${where}, not followed because it would carry credentials`,
    });
  }
  throw new DomoError({
    call,
    kind: 'http',
    status,
    domoMessage: said(response),
    retryAfter: retryAfter(response.headers),
  });
}

/** The JSON object in a 2xx answer, or a DomoError saying what came instead. */
export function jsonObject(call: string, response: HttpResponse): Record<string, unknown> {
  if (response.notText !== undefined) {
    throw new DomoError({
      call,
      kind: 'response',
      detail: `HTTP ${response.status} with an answer that is not text (${response.notText})`,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(response.body);
  } catch {
    const words = domoMessage(response.body);
    throw new DomoError({
      call,
      kind: 'response',
      detail: `HTTP ${response.status} with a body that is not JSON${words ? ` (${words})` : ''}`,
    });
  }
  if (!json || typeof json !== 'object') {
    throw new DomoError({
      call,
      kind: 'response',
      detail: `HTTP ${response.status} with JSON that is not an object`,
    });
  }
  return json as Record<string, unknown>;
}

/**
 * The list in a 2xx answer: a bare JSON array, or one under `entries` (the shape Domo's instance
 * lists had before about mid-2025); a DomoError saying what came instead.
 */
export function jsonList(call: string, response: HttpResponse): unknown[] {
  const json: unknown = jsonObject(call, response);
  const entries = Array.isArray(json) ? json : (json as { entries?: unknown }).entries;
  if (!Array.isArray(entries)) {
    throw new DomoError({
      call,
      kind: 'response',
      detail: 'the answer is neither a list nor an object with `entries`',
    });
  }
  return entries;
}
