/**
 * ExcelJS reading and writing shared by the CLI and the task pane. Everything here is
 * browser-safe (bytes in, bytes out). The task pane should lazy-load only what it needs, e.g.
 * `const { readWorkbook } = await import("../src/xlsx/read")`.
 */
export * from "./probe";
export * from "./read";
export * from "./structure";
export * from "./template";
export * from "./annotate";
export * from "./compile";
export * from "./text";
