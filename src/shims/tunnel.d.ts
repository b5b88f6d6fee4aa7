// The `tunnel` package (a dependency of @actions/http-client) ships no types: what
// src/shims/http-client.ts gives it and gets back.
declare module 'tunnel' {
  import type { Agent } from 'node:http';

  interface TunnelOptions {
    proxy: { host: string; port: string | number; proxyAuth?: string };
  }

  export function httpOverHttp(options: TunnelOptions): Agent;
  export function httpsOverHttp(options: TunnelOptions): Agent;
  export function httpOverHttps(options: TunnelOptions): Agent;
  export function httpsOverHttps(options: TunnelOptions): Agent;
}
