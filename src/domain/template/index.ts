export * from "./types";
export * from "./formula";
export * from "./build";
export * from "./v1";
export * from "./v1_1";
export * from "./values";
export * from "./registry";
