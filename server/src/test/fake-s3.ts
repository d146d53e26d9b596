import { CreateBucketCommand, ListObjectsV2Command, S3Client } from "@aws-sdk/client-s3";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import S3rver from "s3rver";

/**
 * A local S3-compatible server (s3rver, from npm: objects in a temporary folder) for the S3 image
 * store's tests, on a free port of 127.0.0.1. Each suite makes a bucket of its own.
 */
export interface FakeS3 {
  endpoint: string;
  /** A new empty bucket and the env that points UPLOAD_STORE=s3 at it. */
  bucket(): Promise<{ name: string; env: Record<string, string> }>;
  /** The keys in a bucket. */
  keys(bucket: string): Promise<string[]>;
  stop(): Promise<void>;
}

const ACCESS_KEY = "S3RVER"; // s3rver's built-in credentials
let buckets = 0;

export async function startFakeS3(): Promise<FakeS3> {
  const dir = mkdtempSync(path.join(tmpdir(), "mk-s3-"));
  const server = new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory: dir });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const env = (bucket: string) => ({
    UPLOAD_STORE: "s3",
    S3_BUCKET: bucket,
    S3_REGION: "us-east-1",
    S3_ENDPOINT: endpoint,
    S3_FORCE_PATH_STYLE: "true",
    S3_ACCESS_KEY_ID: ACCESS_KEY,
    S3_SECRET_ACCESS_KEY: ACCESS_KEY,
  });
  const client = new S3Client({
    region: "us-east-1",
    endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: ACCESS_KEY },
  });
  return {
    endpoint,
    async bucket() {
      buckets += 1;
      const name = `images-${process.pid}-${buckets}`;
      await client.send(new CreateBucketCommand({ Bucket: name }));
      return { name, env: env(name) };
    },
    async keys(bucket) {
      const keys: string[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
        keys.push(...(page.Contents ?? []).map((o) => o.Key!));
        token = page.NextContinuationToken;
      } while (token);
      return keys;
    },
    async stop() {
      client.destroy();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The fake S3 server, or null (with the reason logged) where it cannot start: the S3 suites skip. */
export async function tryStartFakeS3(): Promise<FakeS3 | null> {
  try {
    return await startFakeS3();
  } catch (err) {
    console.warn(`fake S3 server (s3rver) did not start, S3 store tests skipped: ${(err as Error).message}`);
    return null;
  }
}
