import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import { Readable } from "node:stream";
import type { S3Settings } from "../../config.ts";
import { CONTENT_TYPES, newImageName, STORED_NAME, typeOfName, type ImageStore, type ImageType, type StoredImage } from "./image-store.ts";

/**
 * Images in an S3-compatible bucket (UPLOAD_STORE=s3: AWS S3, MinIO, Ceph, R2…), for deployments
 * that keep files out of the database. Images are still served by the app, streamed through at
 * the same `/uploads/<name>` URL with the same headers (type, nosniff, sandbox CSP, cache), so the
 * bucket stays private and nothing in the client or in stored URLs depends on the store.
 *
 * The credentials need s3:PutObject, s3:GetObject and s3:DeleteObject on the keys, and
 * s3:ListBucket on the bucket: without it S3 answers a missing key with 403 instead of 404, and
 * an unknown image would be a 500 instead of a 404.
 */
export class S3ImageStore implements ImageStore {
  private readonly client: S3Client;

  constructor(private readonly settings: S3Settings) {
    this.client = new S3Client({
      region: settings.region,
      endpoint: settings.endpoint,
      forcePathStyle: settings.forcePathStyle,
      // Without keys, the SDK's own chain finds credentials (a pod's IAM role, web identity…).
      credentials: settings.credentials,
      // Checksums only where S3 requires them: the SDK's default adds CRC32 checksum headers to
      // every upload, which several S3-compatible servers do not accept.
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
      // A bucket that stops answering costs an upload or an image a bounded wait, not a hung request.
      requestHandler: { connectionTimeout: 5_000, requestTimeout: 30_000 },
    });
  }

  private key(name: string): string {
    return `${this.settings.keyPrefix}${name}`;
  }

  async put(bytes: Buffer, type: ImageType): Promise<string> {
    const name = newImageName(type);
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.settings.bucket,
        Key: this.key(name),
        Body: bytes,
        ContentLength: bytes.length,
        ContentType: CONTENT_TYPES[type],
      }),
    );
    return name;
  }

  async open(name: string): Promise<StoredImage | null> {
    const type = typeOfName(name);
    if (!type) return null;
    try {
      const res = await this.client.send(new GetObjectCommand({ Bucket: this.settings.bucket, Key: this.key(name) }));
      if (!(res.Body instanceof Readable) || res.ContentLength === undefined) {
        (res.Body as { destroy?: () => void } | undefined)?.destroy?.();
        throw new Error(`S3 answered GetObject ${name} without a body stream or a length`);
      }
      return { stream: res.Body, size: res.ContentLength, type };
    } catch (err) {
      if (err instanceof S3ServiceException && err.$metadata.httpStatusCode === 404) return null;
      throw err;
    }
  }

  async remove(names: string[]): Promise<void> {
    // One DeleteObject per image (deleting a missing key succeeds): the batch DeleteObjects needs
    // a Content-MD5 or checksum that not every S3-compatible server takes. A sweep batch is at
    // most 200 images, sent over the client's pooled connections.
    await Promise.all(
      names
        .filter((name) => STORED_NAME.test(name))
        .map((name) => this.client.send(new DeleteObjectCommand({ Bucket: this.settings.bucket, Key: this.key(name) }))),
    );
  }

  close(): void {
    this.client.destroy();
  }
}
