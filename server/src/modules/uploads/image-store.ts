import { randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, stat, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import type { Tx } from "../../db/client.ts";

export type ImageType = "jpg" | "png" | "webp";

export const CONTENT_TYPES: Record<ImageType, string> = {
  jpg: "image/jpeg",
  png: "image/png",
  webp: "image/webp",
};

/** A stored image, opened for serving: its bytes as a stream, their count and its type. */
export interface StoredImage {
  stream: Readable;
  size: number;
  type: ImageType;
}

/**
 * Where uploaded images live (UPLOAD_STORE, chosen in stores.ts): the local disk, the database or
 * an S3-compatible bucket. The `uploads` rows (shop, size, quota) are the same whichever it is.
 */
export interface ImageStore {
  /** Stores the bytes under a new random name and returns it (e.g. "3f…a9.png"). */
  put(bytes: Buffer, type: ImageType): Promise<string>;
  /** The stored image, or null when there is none of that name. */
  open(name: string): Promise<StoredImage | null>;
  /**
   * Deletes the images; one already gone is not an error (a sweep may have been cut half-way).
   * `tx`: the caller's transaction, which a store kept in the database joins, so the sweeper
   * deletes an upload's row and its bytes together; the other stores do not need it.
   */
  remove(names: string[], tx?: Tx): Promise<void>;
  /**
   * Deletes images older than `before` that have no `uploads` row and nothing references: bytes
   * stored by an upload whose process died before it recorded the row. Only where that can be
   * found cheaply (the database); returns the names removed.
   */
  removeOrphans?(before: Date): Promise<string[]>;
  /** Lets go of connections (the S3 client's sockets) when the server stops. */
  close?(): void;
}

/** Generated names only: 32 hex characters and a known extension. Nothing a client sends is a path. */
export const STORED_NAME = /^([a-f0-9]{32})\.(jpg|png|webp)$/;

/** A new random name for an image of this type. */
export function newImageName(type: ImageType): string {
  return `${randomBytes(16).toString("hex")}.${type}`;
}

/** The type a generated name stands for, or null when it is not one (never a path, never looked up). */
export function typeOfName(name: string): ImageType | null {
  const match = STORED_NAME.exec(name);
  return match ? (match[2] as ImageType) : null;
}

/**
 * Files under DATA_DIR/uploads: the embedded single-process default. Several replicas see the same
 * images only if they share that folder (a volume mounted by all).
 */
export class DiskImageStore implements ImageStore {
  constructor(private readonly dir: string) {}

  async put(bytes: Buffer, type: ImageType): Promise<string> {
    await mkdir(this.dir, { recursive: true });
    const name = newImageName(type);
    await writeFile(path.join(this.dir, name), bytes, { flag: "wx" });
    return name;
  }

  async open(name: string): Promise<StoredImage | null> {
    const type = typeOfName(name);
    if (!type) return null;
    const file = path.join(this.dir, name);
    try {
      const info = await stat(file);
      return { stream: createReadStream(file), size: info.size, type };
    } catch {
      return null;
    }
  }

  async remove(names: string[]): Promise<void> {
    await Promise.all(
      names.filter((name) => STORED_NAME.test(name)).map(async (name) => {
        try {
          await unlink(path.join(this.dir, name));
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
        }
      }),
    );
  }
}

/** The image type the bytes really are (magic numbers), whatever the file name or header says. */
export function sniffImageType(bytes: Buffer): ImageType | null {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "jpg";
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return "png";
  if (bytes.length >= 12 && bytes.toString("latin1", 0, 4) === "RIFF" && bytes.toString("latin1", 8, 12) === "WEBP") return "webp";
  return null;
}
