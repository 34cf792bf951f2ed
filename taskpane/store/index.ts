export * from "./types";
export { MemorySyncStore } from "./memoryStore";
export { DexieSyncStore, syncDatabaseName, type DexieStoreOptions } from "./dexieStore";
