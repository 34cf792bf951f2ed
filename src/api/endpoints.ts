/** Every endpoint of the API, by name (the server mounts each; the client calls them). */
export { health, me } from "./me";
export { listOrganisations, createOrganisation } from "./organisations";
export { listUsers, createUser } from "./users";
export { readAudit } from "./audit";
export { listAvtal, createAvtal } from "./avtal";
export { listWorkbooks, createWorkbook, getWorkbook, readCells } from "./workbooks";
export { submitWorkbook, listSubmissions, verifyReceipts } from "./submissions";
export { listCostKeys, createDraft, proposeVersion, approveVersion } from "./costKeys";
export { listDeviationResponses, saveJustification, decideDeviation } from "./deviationResponses";
export { syncPush, syncPull } from "./sync";
