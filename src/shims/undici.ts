// @actions/http-client imports undici's ProxyAgent for getAgentDispatcher(), a helper for
// fetch-based callers. domo-auth sends through node:http(s) and reaches proxies through the
// `tunnel` agent, so undici (about 900 KB) would only weigh down the bundle. tsconfig's
// `paths` points the bundler here instead; reaching this stub means a new code path needs it.
export class ProxyAgent {
  constructor() {
    throw new Error('undici is not bundled with domo-auth (getAgentDispatcher is not supported)');
  }
}
