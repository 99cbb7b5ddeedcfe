import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { Readable } from 'node:stream';
import { isPublicAddress } from './address-policy.js';

export class BlockedAddressError extends Error {
  override name = 'BlockedAddressError';
}

/**
 * A `fetch` for browser-supplied URLs on Node that refuses to connect anywhere but a
 * public address. The check sits in the socket's DNS lookup, so the address checked is
 * the address connected to (no second resolution an attacker's DNS could answer
 * differently), and the connected socket's peer is checked once more.
 *
 * `allowPrivate` is for development only (the demo's garments are on localhost).
 */
export function createGuardedFetch({ allowPrivate = false }: { allowPrivate?: boolean } = {}): typeof fetch {
  const lookup: LookupFunction = (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const allowed = addresses.filter((entry) => allowPrivate || isPublicAddress(entry.address));
      if (!allowed.length) return callback(new BlockedAddressError(`${hostname} resolves to a non-public address`), '', 0);
      if ((options as { all?: boolean }).all) return (callback as unknown as (error: null, addresses: LookupAddress[]) => void)(null, allowed);
      callback(null, allowed[0]!.address, allowed[0]!.family);
    });
  };

  return (async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`unsupported scheme ${url.protocol}`);
    const literal = url.hostname.replace(/^\[|\]$/g, '');
    if (/^[\d.]+$|:/.test(literal) && !allowPrivate && !isPublicAddress(literal)) throw new BlockedAddressError(`${literal} is not a public address`);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const headers = Object.fromEntries(new Headers(init.headers).entries());
    return new Promise<Response>((resolve, reject) => {
      const request = send(url, { method: init.method ?? 'GET', headers, lookup, signal: init.signal ?? undefined }, (response: IncomingMessage) => {
        const peer = response.socket.remoteAddress ?? '';
        if (!allowPrivate && !isPublicAddress(peer)) {
          response.destroy();
          return reject(new BlockedAddressError(`connected to a non-public address`));
        }
        const status = response.statusCode ?? 502;
        const body = status === 204 || status === 304 || init.method === 'HEAD' ? null : (Readable.toWeb(response) as ReadableStream<Uint8Array>);
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(response.headers)) if (value !== undefined) responseHeaders.set(name, Array.isArray(value) ? value.join(', ') : value);
        resolve(new Response(body, { status, headers: responseHeaders }));
      });
      request.on('error', reject);
      request.end();
    });
  }) as typeof fetch;
}
