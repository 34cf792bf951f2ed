export { SyncClient, SETTINGS_KEY, type SyncClientOptions } from "./client";
export { HttpSyncTransport, type HttpTransportOptions } from "./httpTransport";
export { syncText } from "./messages";
export {
  systemClock,
  type CellEntry,
  type CellRef,
  type SyncClock,
  type SyncStatus,
  type SyncState,
  type SyncWorkbook,
} from "./types";
export { SyncTransportError, type SyncTransport, type PullParams } from "../../src/sync/transport";
