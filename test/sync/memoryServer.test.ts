import { describe, expect, it } from "vitest";
import { MemorySyncServer } from "../../src/sync/memoryServer";
import { SyncTransportError } from "../../src/sync/transport";
import { runConformance } from "./conformance";

runConformance("in-memory reference server", async () => {
  const server = new MemorySyncServer({
    authorizeWrite: (user, m) =>
      m.workbookId === "wb-foreign"
        ? { code: "forbidden", reason: "Du får inte ändra i arbetsboken wb-foreign." }
        : null,
  });
  return {
    workbookId: "wb-1",
    foreignWorkbookId: "wb-foreign",
    userA: server.transport("anna"),
    userB: server.transport("bertil"),
    rawPushA: async (body) => {
      try {
        server.push("anna", body);
        return 200;
      } catch (err) {
        return err instanceof SyncTransportError ? (err.status ?? 500) : 500;
      }
    },
  };
});

describe("MemorySyncServer introspection", () => {
  it("records conflicts and no-op applications, and keeps cells per workbook", () => {
    const s = new MemorySyncServer();
    const m = (clientId: string, mutationId: number, baseVersion: number, value: string) => ({
      clientId,
      mutationId,
      workbookId: "wb",
      sheet: "Blad1",
      cell: "A1",
      baseVersion,
      value,
      authoredAt: "2026-01-01T00:00:00Z",
    });
    s.push("u", { clientId: "client-1", mutations: [m("client-1", 1, 0, "x")] });
    s.push("v", { clientId: "client-2", mutations: [m("client-2", 1, 0, "y")] });
    s.push("v", { clientId: "client-2", mutations: [m("client-2", 2, 0, "x")] });
    expect(s.conflicts).toHaveLength(1);
    expect(s.conflicts[0]).toMatchObject({
      clientId: "client-2",
      mutationId: 1,
      serverValue: "x",
      serverVersion: 1,
    });
    expect(s.noops).toHaveLength(1);
    expect(s.cells("wb").get("Blad1!A1")).toMatchObject({ value: "x", version: 1 });
    expect(s.lastMutationId("client-2")).toBe(2);
    expect(s.cells("other").size).toBe(0);
  });
});
