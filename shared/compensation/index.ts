export * from "./schemas.ts";
export * from "./rules.ts";
export * from "./inputs.ts";
export * from "./errors.ts";
export * from "./fraud.ts";
