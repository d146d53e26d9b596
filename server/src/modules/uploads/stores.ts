import path from "node:path";
import type { Config } from "../../config.ts";
import type { Database, Tx } from "../../db/client.ts";
import { DatabaseImageStore } from "./database-image-store.ts";
import { DiskImageStore, type ImageStore, type ImageType } from "./image-store.ts";

/**
 * The image store UPLOAD_STORE names (config.ts: `disk` on the embedded database, `database` with
 * DATABASE_URL unless told otherwise). The S3 client is loaded only when it is used.
 */
export async function openImageStore(config: Config, database: Database): Promise<ImageStore> {
  const disk = new DiskImageStore(path.join(config.dataDir, "uploads"));
  switch (config.UPLOAD_STORE) {
    case "disk":
      return disk;
    case "database":
      return new WithDiskLeftovers(new DatabaseImageStore(database), disk);
    case "s3": {
      const { S3ImageStore } = await import("./s3-image-store.ts");
      return new WithDiskLeftovers(new S3ImageStore(config.s3!), disk);
    }
  }
}

/**
 * A shared store that still serves the images a replica stored on its disk before the deployment
 * moved to it (uploads were on disk only, until UPLOAD_STORE): new images go to the shared store,
 * an image it lacks is looked for in DATA_DIR/uploads, and removals (the sweeper's) reach both, so
 * old unreferenced images are still swept. Where the folder is empty or absent this costs a
 * failed `stat` on an unknown name, nothing else.
 */
export class WithDiskLeftovers implements ImageStore {
  constructor(
    private readonly shared: ImageStore,
    private readonly disk: DiskImageStore,
  ) {}

  put(bytes: Buffer, type: ImageType) {
    return this.shared.put(bytes, type);
  }

  async open(name: string) {
    return (await this.shared.open(name)) ?? this.disk.open(name);
  }

  async remove(names: string[], tx?: Tx) {
    await this.shared.remove(names, tx);
    await this.disk.remove(names);
  }

  async removeOrphans(before: Date) {
    return (await this.shared.removeOrphans?.(before)) ?? [];
  }

  close() {
    this.shared.close?.();
  }
}
