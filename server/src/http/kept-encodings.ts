import { constants, brotliCompressSync, gzipSync } from "node:zlib";
import { Negotiator } from "@fastify/accept-negotiator";

/**
 * Compressed copies of an answer that is sent many times (a kept search answer), made once per
 * encoding instead of once per request.
 *
 * Why: browsers always accept brotli, and @fastify/compress compresses every answer it is given
 * afresh. For a kept search answer of 11 KB that is about 100 µs of CPU per request (brotli at
 * quality 4, measured here), as much as the rest of the request; the copy made once costs that
 * once per answer and encoding.
 *
 * The choice is @fastify/compress's (registerCompression): the same encodings in the same order
 * of preference, chosen by the same negotiator from `Accept-Encoding` ("*" and "x-gzip" read as
 * gzip), the same threshold and the same brotli quality. An answer sent with a Content-Encoding
 * is passed through by the compressor as it is.
 */
export const ENCODINGS = ["br", "gzip"] as const;
export type Encoding = (typeof ENCODINGS)[number];
/** Answers smaller than this are sent as they are (compression would gain little). */
export const COMPRESS_THRESHOLD_BYTES = 1024;
/** Quality 4, @fastify/compress's default for dynamic answers: most of brotli's gain for a fraction of quality 11's CPU. */
export const BROTLI_OPTIONS = { params: { [constants.BROTLI_PARAM_QUALITY]: 4 } };

/** An answer kept as bytes, and its compressed copies as they are asked for. */
export interface KeptBody {
  body: Buffer;
  encoded?: Partial<Record<Encoding, Buffer>>;
}

const GZIP_ALIAS = /\*|x-gzip/g;
/** Browsers send a handful of distinct headers; any other header is negotiated again (bounded memory). */
const negotiated = new Map<string, string>();
const MAX_NEGOTIATED = 64;
const negotiator = new Negotiator<Encoding>({
  supportedValues: [...ENCODINGS],
  cache: {
    get: (key) => negotiated.get(key),
    has: (key) => negotiated.has(key),
    set(key, value) {
      if (negotiated.size >= MAX_NEGOTIATED) negotiated.clear();
      negotiated.set(key, value);
      return this;
    },
  },
});

/** The encoding to send `body` in for this `Accept-Encoding`, or null to send it as it is. */
export function chooseEncoding(acceptEncoding: string | undefined, body: Buffer): Encoding | null {
  if (!acceptEncoding || body.length < COMPRESS_THRESHOLD_BYTES) return null;
  return negotiator.negotiate(acceptEncoding.toLowerCase().replace(GZIP_ALIAS, "gzip"));
}

/** `kept.body` in `encoding`, compressed on the first call and kept with it. */
export function encodedBody(kept: KeptBody, encoding: Encoding): Buffer {
  const encoded = (kept.encoded ??= {});
  return (encoded[encoding] ??=
    encoding === "br" ? brotliCompressSync(kept.body, BROTLI_OPTIONS) : gzipSync(kept.body));
}

/** `Vary` with Accept-Encoding added, as the compressor adds it to what it compresses. */
export function varyWithEncoding(vary: string | undefined): string {
  if (!vary) return "accept-encoding";
  return /(^|,)\s*accept-encoding\s*(,|$)/i.test(vary) ? vary : `${vary}, accept-encoding`;
}
