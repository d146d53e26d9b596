export * from "./enums.ts";
export * from "./common.ts";
export * from "./auth.ts";
export * from "./admin.ts";
export * from "./events.ts";
export * from "./catalog.ts";
export * from "./shops.ts";
export * from "./products.ts";
