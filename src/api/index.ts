/** The API's shared schemas, endpoint descriptors and typed client. */
export * from "./common";
export * from "./endpoint";
export * from "./me";
export * from "./organisations";
export * from "./users";
export * from "./audit";
export * from "./avtal";
export * from "./workbooks";
export * from "./submissions";
export * from "./costKeys";
export * from "./deviationResponses";
export * from "./sync";
export * from "./client";
