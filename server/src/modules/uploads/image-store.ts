import { randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, stat, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";

export type ImageType = "jpg" | "png" | "webp";

export const CONTENT_TYPES: Record<ImageType, string> = {
  jpg: "image/jpeg",
  png: "image/png",
  webp: "image/webp",
};

/** Where uploaded images live. Local disk now; an S3-compatible store can implement the same. */
export interface ImageStore {
  /** Stores the bytes under a new random name and returns it (e.g. "3f…a9.png"). */
  put(bytes: Buffer, type: ImageType): Promise<string>;
  /** The stored file, or null when there is none of that name. */
  open(name: string): Promise<{ stream: Readable; size: number; type: ImageType } | null>;
  /** Deletes the file; one already gone is not an error (a sweep may have been cut half-way). */
  remove(name: string): Promise<void>;
}

/** Generated names only: 32 hex characters and a known extension. Nothing a client sends is a path. */
export const STORED_NAME = /^([a-f0-9]{32})\.(jpg|png|webp)$/;

export class DiskImageStore implements ImageStore {
  constructor(private readonly dir: string) {}

  async put(bytes: Buffer, type: ImageType): Promise<string> {
    await mkdir(this.dir, { recursive: true });
    const name = `${randomBytes(16).toString("hex")}.${type}`;
    await writeFile(path.join(this.dir, name), bytes, { flag: "wx" });
    return name;
  }

  async open(name: string) {
    const match = STORED_NAME.exec(name);
    if (!match) return null;
    const file = path.join(this.dir, name);
    try {
      const info = await stat(file);
      return { stream: createReadStream(file), size: info.size, type: match[2] as ImageType };
    } catch {
      return null;
    }
  }

  async remove(name: string): Promise<void> {
    if (!STORED_NAME.test(name)) return;
    try {
      await unlink(path.join(this.dir, name));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
  }
}

/** The image type the bytes really are (magic numbers), whatever the file name or header says. */
export function sniffImageType(bytes: Buffer): ImageType | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "jpg";
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return "png";
  if (bytes.length >= 12 && bytes.toString("latin1", 0, 4) === "RIFF" && bytes.toString("latin1", 8, 12) === "WEBP") return "webp";
  return null;
}
