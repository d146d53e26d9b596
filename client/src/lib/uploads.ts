/** Image uploads (`POST /uploads`): the session cookie authenticates, the server checks content. */
import { shopHeaders } from "./shop-choice.ts";

export const IMAGE_TYPES = ["image/jpeg", "image/png", "image/webp"] as const;
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;

export class UploadError extends Error {
  override name = "UploadError";
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
  }
}

/** The checks the server makes too, done first so a person hears about them at once. */
export function checkImageFile(file: File): string | null {
  if (!(IMAGE_TYPES as readonly string[]).includes(file.type)) return `“${file.name}” is not a JPEG, PNG or WebP image.`;
  if (file.size > MAX_IMAGE_BYTES) return `“${file.name}” is larger than 5 MB.`;
  return null;
}

/**
 * Uploads one image and returns its URL (`/uploads/<name>.<ext>`) to store on a product or shop.
 * Throws an UploadError with a sentence to show.
 */
export async function uploadImage(file: File, signal?: AbortSignal): Promise<string> {
  const problem = checkImageFile(file);
  if (problem) throw new UploadError(problem, null);
  const body = new FormData();
  body.append("file", file, file.name);
  let res: Response;
  try {
    res = await fetch("/uploads", { method: "POST", body, credentials: "same-origin", headers: shopHeaders(), ...(signal ? { signal } : {}) });
  } catch (err) {
    if ((err as Error).name === "AbortError") throw err;
    throw new UploadError("We could not reach the server. Check your connection and try again.", null);
  }
  const data = (await res.json().catch(() => null)) as { url?: unknown; message?: unknown } | null;
  if (res.status === 201 && typeof data?.url === "string") return data.url;
  const fallback: Record<number, string> = {
    401: "Please sign in again to upload images.",
    403: "Only owners of an open shop can upload images.",
    413: "Images are limited to 5 MB.",
    415: "Upload a JPEG, PNG or WebP image.",
  };
  const message = typeof data?.message === "string" ? data.message : (fallback[res.status] ?? "The upload failed. Please try again.");
  throw new UploadError(message, res.status);
}
