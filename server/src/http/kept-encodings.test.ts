import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { chooseEncoding, encodedBody, varyWithEncoding, type KeptBody } from "./kept-encodings.ts";

const big = Buffer.from(JSON.stringify({ items: Array.from({ length: 40 }, (_, i) => ({ id: `p${i}`, title: `Merino wool scarf ${i}` })) }));

describe("kept answers' compressed copies", () => {
  it("chooses as the compressor does: brotli first, then gzip; nothing for small answers or unknown encodings", () => {
    expect(chooseEncoding("gzip, deflate, br, zstd", big)).toBe("br");
    expect(chooseEncoding("gzip, deflate", big)).toBe("gzip");
    expect(chooseEncoding("br;q=0, gzip", big)).toBe("gzip");
    expect(chooseEncoding("GZIP", big)).toBe("gzip");
    expect(chooseEncoding("x-gzip", big)).toBe("gzip");
    expect(chooseEncoding("*", big)).toBe("gzip");
    expect(chooseEncoding("identity", big)).toBeNull();
    expect(chooseEncoding("deflate", big)).toBeNull();
    expect(chooseEncoding(undefined, big)).toBeNull();
    expect(chooseEncoding("br", Buffer.from("{}"))).toBeNull();
  });

  it("compresses once per encoding, and the copies decompress to the answer", () => {
    const kept: KeptBody = { body: big };
    const br = encodedBody(kept, "br");
    expect(encodedBody(kept, "br")).toBe(br);
    expect(br.length).toBeLessThan(big.length / 3);
    expect(brotliDecompressSync(br).equals(big)).toBe(true);
    expect(gunzipSync(encodedBody(kept, "gzip")).equals(big)).toBe(true);
    expect(Object.keys(kept.encoded ?? {}).sort()).toEqual(["br", "gzip"]);
  });

  it("adds Accept-Encoding to Vary once", () => {
    expect(varyWithEncoding(undefined)).toBe("accept-encoding");
    expect(varyWithEncoding("trpc-accept, accept")).toBe("trpc-accept, accept, accept-encoding");
    expect(varyWithEncoding("accept, Accept-Encoding")).toBe("accept, Accept-Encoding");
  });
});
