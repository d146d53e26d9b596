import { describe, expect, it } from "vitest";
import { matchTotp, newTotpSecret, timeStepAt, totpCode, totpQrDataUrl, totpUri } from "./totp.ts";
import { hashRecoveryCode, newRecoveryCodes, normalizeRecoveryCode } from "./recovery-codes.ts";

describe("TOTP codes (RFC 6238)", () => {
  it("computes the RFC 6238 SHA-1 test vectors (last 6 digits)", async () => {
    // RFC 6238 appendix B: the ASCII secret "12345678901234567890" (base32 below), 8-digit codes.
    const secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
    expect(await totpCode(secret, new Date(59_000))).toBe("287082");
    expect(await totpCode(secret, new Date(1_111_111_109_000))).toBe("081804");
    expect(await totpCode(secret, new Date(2_000_000_000_000))).toBe("279037");
  });

  it("matches a code within one 30-second step of now and names its step", async () => {
    const secret = newTotpSecret();
    const now = new Date("2026-12-06T12:00:10Z");
    const step = timeStepAt(now);
    expect(await matchTotp(secret, await totpCode(secret, now), now)).toBe(step);
    expect(await matchTotp(secret, await totpCode(secret, new Date(now.getTime() - 30_000)), now)).toBe(step - 1);
    expect(await matchTotp(secret, await totpCode(secret, new Date(now.getTime() + 30_000)), now)).toBe(step + 1);
    expect(await matchTotp(secret, await totpCode(secret, new Date(now.getTime() - 90_000)), now)).toBeNull();
  });

  it("refuses what is no code, and a code of another secret", async () => {
    const secret = newTotpSecret();
    const now = new Date();
    const code = await totpCode(secret, now);
    for (const odd of ["", "12345", "1234567", "abcdef", ` ${code}`, "١٢٣٤٥٦"]) expect(await matchTotp(secret, odd, now)).toBeNull();
    const other = newTotpSecret();
    const otherCode = await totpCode(other, now);
    if (otherCode !== code) expect(await matchTotp(secret, otherCode, now)).toBeNull();
  });

  it("makes 160-bit base32 secrets, an otpauth URI and a QR image", () => {
    const secret = newTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(newTotpSecret()).not.toBe(secret);
    const uri = totpUri(secret, "ada@example.test");
    expect(uri).toMatch(/^otpauth:\/\/totp\/Bazaar:ada%40example\.test\?/);
    expect(new URL(uri).searchParams.get("secret")).toBe(secret);
    const svg = Buffer.from(totpQrDataUrl(uri).replace(/^data:image\/svg\+xml;base64,/, ""), "base64").toString();
    expect(svg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
  });
});

describe("two-factor recovery codes", () => {
  it("are ten different 80-bit codes in four groups, stored only as hashes", () => {
    const { codes, hashes } = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const c of codes) expect(c).toMatch(/^[0-9a-hjkmnp-tv-z]{4}(-[0-9a-hjkmnp-tv-z]{4}){3}$/);
    expect(hashes.every((h, i) => h === hashRecoveryCode(normalizeRecoveryCode(codes[i]!)!) && !h.includes(codes[i]!))).toBe(true);
  });

  it("read a typed code forgivingly (case, spaces, dashes, o/0 and l/1) and refuse what cannot be one", () => {
    expect(normalizeRecoveryCode("7K2M Q9XD-ab0c-d1ef")).toBe("7k2mq9xdab0cd1ef");
    expect(normalizeRecoveryCode("7k2m-q9xd-abOc-dLef")).toBe("7k2mq9xdab0cd1ef");
    for (const odd of ["", "7k2m-q9xd-ab0c", "7k2m-q9xd-ab0c-d1efg", "7k2m-q9xd-ab0c-d1eu"]) expect(normalizeRecoveryCode(odd)).toBeNull();
  });
});
