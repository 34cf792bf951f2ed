/**
 * The built dist/functions.js as the shared runtime loads it: run in a fresh context whose
 * `CustomFunctions` records the `associate` calls the build appended, every function is
 * registered under its id and throws the runtime's own CustomFunctions.Error; KOSTNADSNYCKEL reads
 * the task pane's connection from the shared-runtime global and asks the server once.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import vm from "node:vm";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { ensureBuilt } from "../support/build";

class RuntimeError {
  constructor(
    public code: string,
    public message?: string,
  ) {}
}

type Fn = (...args: unknown[]) => unknown;

describe("dist/functions.js in a shared runtime", () => {
  const associated = new Map<string, Fn>();
  const requests: Array<{ url: string; auth: string | null }> = [];
  let context: Record<string, unknown>;

  beforeAll(async () => {
    const dist = await ensureBuilt();
    const code = readFileSync(path.join(dist, "functions.js"), "utf8");
    const fakeFetch = async (url: string, init: RequestInit) => {
      requests.push({ url, auth: new Headers(init.headers).get("authorization") });
      const body = [
        {
          id: "inkop-04-19",
          name: "Inköp",
          parties: [
            { orgId: "04", name: "Region Sörmland" },
            { orgId: "19", name: "Region Västmanland" },
          ],
          keys: [
            {
              id: "k",
              name: "Nyckel",
              versions: [
                {
                  versionNo: 1,
                  status: "active",
                  weights: [
                    { orgId: "04", share: 0.52 },
                    { orgId: "19", share: 0.48 },
                  ],
                  activatedAt: "2025-01-01T00:00:00Z",
                  supersededAt: null,
                },
              ],
            },
          ],
        },
      ];
      return new Response(JSON.stringify(body), { status: 200 });
    };
    context = {
      console,
      setTimeout,
      clearTimeout,
      AbortController,
      Response,
      Headers,
      fetch: fakeFetch,
      CustomFunctions: { associate: (id: string, fn: Fn) => associated.set(id, fn), Error: RuntimeError },
    };
    context.globalThis = context;
    context.self = context;
    context.window = context;
    vm.createContext(context);
    vm.runInContext(code, context);
  }, 300_000);

  it("registers every UPPF function under its id", () => {
    expect([...associated.keys()].sort()).toEqual(
      [
        "ALLOCATE",
        "COSTKEY",
        "DEVIATIONSTATUS",
        "ISORGNUMBER",
        "KEYSHARES",
        "OPERATINGMARGIN",
        "PRODUCTIVITY",
        "REQUIREDMARGIN",
        "RESULTGAP",
      ].sort(),
    );
    expect(associated.get("PRODUCTIVITY")!(19_500, 10)).toBe(1950);
    expect(associated.get("REQUIREDMARGIN")!(2020, null, null, null, null)).toBeCloseTo(0.02, 12);
    expect(associated.get("ALLOCATE")!(10_000_000, [[1], [1]], [[400_000], [0]])).toEqual([
      [5_200_000],
      [4_800_000],
    ]);
    expect(associated.get("ISORGNUMBER")!("212000-0142")).toBe(true);
  });

  it("throws the runtime's CustomFunctions.Error with the Swedish message", () => {
    let thrown: unknown;
    try {
      associated.get("REQUIREDMARGIN")!(2018, null, null, null, null);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(RuntimeError);
    expect(thrown).toMatchObject({ code: "#N/A", message: expect.stringMatching(/2019/) });
  });

  it("KOSTNADSNYCKEL: #N/A without sign-in; with the task pane's config, one request for all cells", async () => {
    const results: unknown[][] = [[], [], []];
    const invocations: Array<{ onCanceled?: () => void }> = [];
    const invocation = (i: number) => {
      const inv = { setResult: (v: unknown) => results[i].push(v), onCanceled: undefined };
      invocations.push(inv);
      return inv;
    };
    const costKey = associated.get("COSTKEY")!;
    costKey("inkop-04-19", "04", null, invocation(0));
    await vi.waitFor(() => expect(results[0]).toHaveLength(1));
    expect(results[0][0]).toBeInstanceOf(RuntimeError);
    expect(results[0][0]).toMatchObject({
      code: "#N/A",
      message: expect.stringMatching(/ingen anslutning/i),
    });
    expect(requests).toHaveLength(0);

    context.__uppfKeyClientConfig = { baseUrl: "https://uppf.example.se", token: "tok" };
    await (context.__uppfKeyClientRefresh as () => Promise<void>)();
    expect(results[0][1]).toBe(0.52);
    costKey("inkop-04-19", "19", null, invocation(1));
    costKey("inkop-04-19", "Region Västmanland", 2025, invocation(2));
    await vi.waitFor(() => expect(results[2]).toHaveLength(1));
    expect(results[1]).toEqual([0.48]);
    expect(results[2]).toEqual([0.48]);
    expect(requests).toEqual([
      { url: "https://uppf.example.se/api/cost-keys", auth: "Bearer tok" },
      { url: "https://uppf.example.se/api/cost-keys", auth: "Bearer tok" },
    ]);
    for (const inv of invocations) inv.onCanceled?.(); // the cells are deleted: polling stops
  });
});
