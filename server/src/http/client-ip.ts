import type { IncomingMessage } from "node:http";
import proxyAddr from "@fastify/proxy-addr";

/**
 * Which addresses are trusted proxies: the first `hops` from the socket inward (TRUST_PROXY_HOPS).
 * Fastify's `trustProxy` and Socket.IO's limits use this one function, so both see one client IP.
 */
export const trustProxyHops =
  (hops: number) =>
  (_address: string, hop: number): boolean =>
    hop < hops;

/**
 * The client's IP for a raw Node request, exactly as Fastify's `req.ip` reads it (the same
 * @fastify/proxy-addr walk): the socket's address, or with trusted proxies the address they name
 * in X-Forwarded-For. For requests Fastify never sees, such as Socket.IO's handshakes and polls.
 */
export function clientIp(req: IncomingMessage, hops: number): string {
  const addresses = proxyAddr.all(req, trustProxyHops(hops));
  return addresses[addresses.length - 1] ?? "unknown";
}
