/** Types of build.mjs's exports, for the TypeScript that imports them (bench/lib/bundle.ts). */
export const RUNTIME_PACKAGES: string[];
export const RUNTIME_FILES: Record<string, string[]>;
export function bundleEntry(entryPoint: string, outfile: string): Promise<void>;
