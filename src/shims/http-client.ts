// @actions/http-client (the version in FOLLOWS; MIT, Copyright GitHub, Inc.) as domo-auth uses
// it: one request per client, no redirects, no retries, no keep-alive, a socket time limit,
// and proxies (https_proxy, no_proxy) through the package's own proxy rules and the `tunnel`
// agent it depends on. The package's entry point also holds what the action never calls and a
// bundler cannot leave out (JSON helpers, retry and redirect loops, undici's fetch
// dispatcher): about 10 KB of the bundle. tsconfig's `paths` points the bundler here instead.
// The unit tests run the real package; __tests__/http-client-shim.test.ts (HTTP and HTTPS) and
// shims-http-proxy.test.ts (every kind of tunnel) hold this file to it.
import { getProxyUrl as proxyFor } from '@actions/http-client/lib/proxy';
import type {
  RequestHandler,
  RequestInfo,
  RequestOptions,
} from '@actions/http-client/lib/interfaces';
import * as http from 'node:http';
import * as https from 'node:https';

/**
 * The release this file is written from. __tests__/shims-follow.test.ts fails when the locked
 * package moves on, so that a version bump is a review of this file.
 */
export const FOLLOWS = '4.0.1';

/** The proxy a request goes through, and the agent maker that reaches it. */
interface Proxy {
  url: URL;
  tunnel: typeof import('tunnel');
}

/** The proxy a request to `serverUrl` goes through, or ''. */
export function getProxyUrl(serverUrl: string): string {
  return proxyFor(new URL(serverUrl))?.href ?? '';
}

export class HttpClientResponse {
  constructor(readonly message: http.IncomingMessage) {}
}

/** Options domo-auth gives; anything else is the real package's to honour. */
type Supported = Required<Pick<RequestOptions, 'socketTimeout'>> & {
  allowRedirects: false;
  allowRetries: false;
  keepAlive: false;
};

/**
 * A handler that prepares requests. On a 401 the real client lets a handler that says it can
 * answer the challenge answer it; domo-auth's never can, and this client refuses one that would.
 */
type Handler = Pick<RequestHandler, 'prepareRequest'> & {
  canHandleAuthentication(response: HttpClientResponse): boolean;
};

const lowercaseKeys = (headers: http.OutgoingHttpHeaders): http.OutgoingHttpHeaders =>
  Object.fromEntries(Object.entries(headers).map(([key, value]) => [key.toLowerCase(), value]));

export class HttpClient {
  readonly userAgent: string;
  handlers: Handler[];
  private agent?: http.Agent;
  private disposed = false;

  constructor(
    userAgent: string,
    handlers: Handler[],
    private readonly options: Supported,
  ) {
    const id = process.env.ACTIONS_ORCHESTRATION_ID;
    const base = userAgent || 'actions/http-client';
    this.userAgent = id
      ? `${base} actions_orchestration_id/${id.replace(/[^a-z0-9_.-]/gi, '_')}`
      : base;
    this.handlers = handlers;
  }

  async request(
    verb: string,
    requestUrl: string,
    data: string | null,
    headers: http.OutgoingHttpHeaders,
  ): Promise<HttpClientResponse> {
    if (this.disposed) throw new Error('Client has already been disposed.');
    const parsedUrl = new URL(requestUrl);
    const proxyUrl = proxyFor(parsedUrl);
    // The tunnel agent is loaded for a job behind a proxy only: the others need neither it
    // nor the modules it loads. "eager" keeps it in this one file.
    const proxy = proxyUrl?.hostname
      ? { url: proxyUrl, tunnel: await import(/* webpackMode: "eager" */ 'tunnel') }
      : undefined;
    const info = this.prepareRequest(verb, parsedUrl, headers, proxy);
    const response = await this.requestRaw(info, data);
    if (
      response.message.statusCode === 401 &&
      this.handlers.some((h) => h.canHandleAuthentication(response))
    ) {
      throw new Error('answering an authentication challenge is not bundled with domo-auth');
    }
    return response;
  }

  dispose(): void {
    this.agent?.destroy();
    this.disposed = true;
  }

  private requestRaw(info: RequestInfo, data: string | null): Promise<HttpClientResponse> {
    return new Promise((resolve, reject) => {
      if (typeof data === 'string') {
        const headers = (info.options.headers ??= {}) as http.OutgoingHttpHeaders;
        headers['Content-Length'] = Buffer.byteLength(data, 'utf8');
      }
      // A promise settles once: what comes after the first answer, error or time-out is dropped.
      const req = info.httpModule.request(info.options, (message) =>
        resolve(new HttpClientResponse(message)),
      );
      let socket: import('node:net').Socket | undefined;
      req.on('socket', (s) => (socket = s));
      // The package's three minutes when given no limit (src/http.ts always gives one).
      req.setTimeout(this.options.socketTimeout || 180_000, () => {
        socket?.end();
        reject(new Error(`Request timeout: ${info.options.path}`));
      });
      req.on('error', reject);
      if (data) req.write(data, 'utf8');
      req.end();
    });
  }

  private prepareRequest(
    method: string,
    parsedUrl: URL,
    headers: http.OutgoingHttpHeaders,
    proxy: Proxy | undefined,
  ): RequestInfo {
    const usingSsl = parsedUrl.protocol === 'https:';
    const options: http.RequestOptions = {
      host: parsedUrl.hostname,
      port: parsedUrl.port ? parseInt(parsedUrl.port) : usingSsl ? 443 : 80,
      path: parsedUrl.pathname + parsedUrl.search,
      method,
      headers: { ...lowercaseKeys(headers || {}), 'user-agent': this.userAgent },
      agent: this.getAgent(usingSsl, proxy),
    };
    for (const handler of this.handlers) handler.prepareRequest(options);
    return { options, parsedUrl, httpModule: usingSsl ? https : http };
  }

  /**
   * The package gives its agents no keep-alive and `http.globalAgent.maxSockets` (no limit
   * unless a program sets one): the defaults of both agents.
   */
  private getAgent(usingSsl: boolean, proxy: Proxy | undefined): http.Agent {
    if (proxy) {
      const { url, tunnel } = proxy;
      const { username, password } = url;
      const options = {
        proxy: {
          ...(username || password ? { proxyAuth: `${username}:${password}` } : {}),
          host: url.hostname,
          port: url.port,
        },
      };
      const overHttps = url.protocol === 'https:';
      const make = usingSsl
        ? overHttps
          ? tunnel.httpsOverHttps
          : tunnel.httpsOverHttp
        : overHttps
          ? tunnel.httpOverHttps
          : tunnel.httpOverHttp;
      // A new one each time, as the real client makes it; dispose() leaves it alone, as there.
      return make(options);
    }
    this.agent ??= new (usingSsl ? https.Agent : http.Agent)();
    return this.agent;
  }
}
