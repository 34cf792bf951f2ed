/**
 * The Uppföljning domain engine: pure TypeScript (zod only), shared by the custom functions,
 * the task pane, the CLI and the server.
 */
export * from "./snapshot";
export * from "./result";
export * from "./format";
export * from "./orgnr";
export * from "./template";
export * from "./validate";
export * from "./metrics";
export * from "./contract";
export * from "./costsplit";
export * from "./migrate";
export * from "./review";
export * from "./receipt";
export * from "./identity";
export * from "./personnummer";
