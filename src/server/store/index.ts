/** The store: one module per aggregate; access rules live in ../access.ts. */
export * from "./organisations";
export * from "./users";
export * from "./avtal";
export * from "./workbooks";
export * from "./workbookValues";
export * from "./submissions";
export * from "./receipts";
export * from "./costKeys";
export * from "./auditLog";
export * from "./deviationResponses";
