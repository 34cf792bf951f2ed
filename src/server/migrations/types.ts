/** One versioned schema migration. Never edit a released migration: add a new one. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}
