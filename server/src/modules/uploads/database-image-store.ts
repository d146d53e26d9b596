import { Readable } from "node:stream";
import type { Database, Tx } from "../../db/client.ts";
import { Prisma } from "../../generated/prisma/client.ts";
import { newImageName, STORED_NAME, typeOfName, type ImageStore, type ImageType, type StoredImage } from "./image-store.ts";

/**
 * How much of an image one query reads while serving it. A request holds one piece at a time
 * instead of the whole image (up to 5 MB), and most product photos fit in the first piece, which
 * comes with the size in a single query.
 */
export const SERVE_CHUNK_BYTES = 256 * 1024;

/**
 * Images kept in PostgreSQL (`image_blobs`, prisma/migrations/20261202000000_image_blobs): every
 * replica on the database serves every image, with no volume or bucket to share. The default
 * with DATABASE_URL (UPLOAD_STORE=database).
 *
 * An upload writes the bytes (`put`), then its `uploads` row with the quota check; a refusal or a
 * failure of the latter removes the bytes again, and a process that dies in between leaves bytes
 * without a row, which `removeOrphans` finds once they are older than the grace period. A put that
 * fails leaves nothing: no row is written without stored bytes.
 */
export class DatabaseImageStore implements ImageStore {
  constructor(private readonly database: Database) {}

  async put(bytes: Buffer, type: ImageType): Promise<string> {
    const name = newImageName(type);
    await this.database.prisma.imageBlob.create({ data: { name, bytes: new Uint8Array(bytes) }, select: { name: true } });
    return name;
  }

  async open(name: string): Promise<StoredImage | null> {
    const type = typeOfName(name);
    if (!type) return null;
    // octet_length of a value stored EXTERNAL is read from its TOAST pointer: no need to load it.
    const [row] = (await this.database.read(Prisma.sql`
      SELECT octet_length("bytes") AS "size", substring("bytes" FROM 1 FOR ${SERVE_CHUNK_BYTES}) AS "head"
        FROM "image_blobs" WHERE "name" = ${name}`)) as { size: number; head: Uint8Array }[];
    if (!row) return null;
    const size = Number(row.size);
    return { stream: Readable.from(this.pieces(name, asBuffer(row.head), size), { objectMode: false }), size, type };
  }

  /** The image piece by piece: the first one already read, then one query per SERVE_CHUNK_BYTES. */
  private async *pieces(name: string, head: Buffer, size: number): AsyncGenerator<Buffer> {
    yield head;
    for (let offset = head.length; offset < size; ) {
      const [row] = (await this.database.read(Prisma.sql`
        SELECT substring("bytes" FROM ${offset + 1} FOR ${SERVE_CHUNK_BYTES}) AS "part" FROM "image_blobs" WHERE "name" = ${name}`)) as {
        part: Uint8Array;
      }[];
      // Names never change meaning, so the only way the bytes change under a reader is a sweep
      // removing the image: the response is cut short (its Content-Length tells the client).
      if (!row?.part?.length) throw new Error(`image ${name} was removed while it was being served`);
      const part = asBuffer(row.part);
      yield part;
      offset += part.length;
    }
  }

  async remove(names: string[], tx?: Tx): Promise<void> {
    const valid = names.filter((name) => STORED_NAME.test(name));
    if (!valid.length) return;
    await (tx ?? this.database.prisma).imageBlob.deleteMany({ where: { name: { in: valid } } });
  }

  async removeOrphans(before: Date): Promise<string[]> {
    // Referenced images are spared too: an image in use is never deleted, whatever became of its row.
    const removed = await this.database.prisma.$queryRaw<{ name: string }[]>`
      DELETE FROM "image_blobs" b
       WHERE b."created_at" < ${before}
         AND NOT EXISTS (SELECT 1 FROM "uploads" u WHERE u."name" = b."name")
         AND NOT EXISTS (SELECT 1 FROM "product_images" i WHERE i."url" = '/uploads/' || b."name")
         AND NOT EXISTS (SELECT 1 FROM "shops" s WHERE s."logo_url" = '/uploads/' || b."name" OR s."banner_url" = '/uploads/' || b."name")
      RETURNING b."name"`;
    return removed.map((r) => r.name);
  }
}

/** node-postgres reads bytea as a Buffer, Prisma (on PGlite) as a Uint8Array: one type for the stream. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
