/**
 * A test double of the slice of the Excel JavaScript API the ExcelHost uses. It behaves like
 * Office.js where it matters for the adapter: commands and loads are queued and only run at
 * context.sync(); reading a loaded property before the sync throws; a sync whose loaded values
 * exceed `payloadLimit` bytes fails with ResponsePayloadSizeLimitExceeded (and applies nothing).
 * It counts syncs.
 */
import { a1ToPosition, positionToA1 } from "../../src/domain/snapshot";

type Cell = string | number | boolean;

export interface FakeSheet {
  id: string;
  name: string;
  visibility: "Visible" | "Hidden" | "VeryHidden";
  cells: Map<string, Cell>;
}

export interface FakeCf {
  id: string;
  sheetId: string;
  address: string;
  formula?: string;
  fill?: string;
  font?: string;
}

export class FakeWorkbook {
  sheets: FakeSheet[] = [];
  names: { name: string; type: string; formula: string }[] = [];
  settings = new Map<string, string>();
  cfs: FakeCf[] = [];
  selected: { sheet: string; cell: string } | undefined;
  active: string | undefined;
  /** Handlers registered with worksheets.onChanged (after their sync). */
  changeHandlers: ((args: {
    worksheetId: string;
    address: string;
    source: string;
  }) => Promise<void> | void)[] = [];
  private nextCf = 1;

  addSheet(
    name: string,
    rows: (Cell | null)[][],
    visibility: FakeSheet["visibility"] = "Visible",
    start = "A1",
  ): FakeSheet {
    const s: FakeSheet = { id: `{${this.sheets.length + 1}}`, name, visibility, cells: new Map() };
    const p0 = a1ToPosition(start);
    rows.forEach((row, r) =>
      row.forEach((v, c) => {
        if (v !== null && v !== "") s.cells.set(positionToA1({ row: p0.row + r, col: p0.col + c }), v);
      }),
    );
    this.sheets.push(s);
    return s;
  }

  sheet(key: string): FakeSheet {
    const s = this.sheets.find((x) => x.id === key || x.name.toLowerCase() === key.toLowerCase());
    if (!s) throw Object.assign(new Error(`ItemNotFound: ${key}`), { code: "ItemNotFound" });
    return s;
  }

  newCfId(): string {
    return `cf${this.nextCf++}`;
  }
}

function bounds(s: FakeSheet): { row: number; col: number; rows: number; cols: number } | undefined {
  if (s.cells.size === 0) return undefined;
  let r0 = Infinity,
    c0 = Infinity,
    r1 = -1,
    c1 = -1;
  for (const a of s.cells.keys()) {
    const p = a1ToPosition(a);
    r0 = Math.min(r0, p.row);
    c0 = Math.min(c0, p.col);
    r1 = Math.max(r1, p.row);
    c1 = Math.max(c1, p.col);
  }
  return { row: r0, col: c0, rows: r1 - r0 + 1, cols: c1 - c0 + 1 };
}

function grid(s: FakeSheet, row: number, col: number, rows: number, cols: number): Cell[][] {
  const out: Cell[][] = [];
  for (let r = 0; r < rows; r++) {
    const line: Cell[] = [];
    for (let c = 0; c < cols; c++) line.push(s.cells.get(positionToA1({ row: row + r, col: col + c })) ?? "");
    out.push(line);
  }
  return out;
}

type Op = { kind: "command"; run: () => void } | { kind: "load"; run: () => unknown };

/** Base of all proxies: loaded data becomes readable only after a sync. */
class Proxy {
  protected data: Record<string, unknown> | undefined;
  protected pending = false;
  isNullObjectValue = false;
  constructor(protected readonly ctx: FakeContext) {}
  protected read<T>(prop: string): T {
    if (!this.data || !(prop in this.data)) {
      throw new Error(`Egenskapen ${prop} lästes innan load + context.sync()`);
    }
    return this.data[prop] as T;
  }
  get isNullObject(): boolean {
    if (!this.data) throw new Error("isNullObject lästes innan context.sync()");
    return this.isNullObjectValue;
  }
  protected queueLoad(compute: () => Record<string, unknown> | null): void {
    this.ctx.queue({
      kind: "load",
      run: () => {
        const d = compute();
        return () => {
          this.isNullObjectValue = d === null;
          this.data = d ?? {};
        };
      },
    });
  }
}

export class FakeContext {
  syncCount = 0;
  /** Payload of the largest successful sync so far (bytes of loaded values). */
  maxPayload = 0;
  /** Load/command order log: "load" / "command" / "sync". */
  log: string[] = [];
  private ops: Op[] = [];
  readonly workbook: FakeWorkbookProxy;
  constructor(
    readonly model: FakeWorkbook,
    readonly payloadLimit = 5_000_000,
  ) {
    this.workbook = new FakeWorkbookProxy(this);
  }
  queue(op: Op): void {
    this.log.push(op.kind);
    this.ops.push(op);
  }
  async sync(): Promise<void> {
    this.syncCount++;
    this.log.push("sync");
    const ops = this.ops;
    this.ops = [];
    const savedCells = this.model.sheets.map((s) => new Map(s.cells));
    const savedCfs = this.model.cfs.map((c) => ({ ...c }));
    const savedSettings = new Map(this.model.settings);
    this.pendingPayload = 0;
    const publish: (() => void)[] = [];
    try {
      for (const op of ops) {
        if (op.kind === "command") op.run();
        else publish.push(op.run() as () => void);
      }
    } catch (e) {
      this.restore(savedCells, savedCfs, savedSettings);
      throw e;
    }
    const payload = this.pendingPayload;
    if (payload > this.payloadLimit) {
      this.restore(savedCells, savedCfs, savedSettings);
      throw Object.assign(new Error("Svaret är större än Excels gräns"), {
        code: "ResponsePayloadSizeLimitExceeded",
      });
    }
    this.maxPayload = Math.max(this.maxPayload, payload);
    for (const p of publish) p();
  }
  /** Bytes of the loads of the current batch (added by loaders). */
  pendingPayload = 0;
  private restore(cells: Map<string, Cell>[], cfs: FakeCf[], settings: Map<string, string>): void {
    this.model.sheets.forEach((s, i) => (s.cells = cells[i] ?? s.cells));
    this.model.cfs = cfs;
    this.model.settings = settings;
  }
  measure(d: unknown): void {
    this.pendingPayload += JSON.stringify(d ?? null).length;
  }
}

class FakeWorkbookProxy {
  readonly worksheets: FakeWorksheetCollection;
  readonly names: FakeNames;
  readonly settings: FakeSettings;
  constructor(ctx: FakeContext) {
    this.worksheets = new FakeWorksheetCollection(ctx);
    this.names = new FakeNames(ctx);
    this.settings = new FakeSettings(ctx);
  }
}

class FakeWorksheetCollection extends Proxy {
  private itemsValue: FakeWorksheet[] = [];
  readonly onChanged = {
    add: (h: (args: { worksheetId: string; address: string; source: string }) => Promise<void> | void) => {
      this.ctx.queue({ kind: "command", run: () => this.ctx.model.changeHandlers.push(h) });
      return {
        context: this.ctx,
        remove: () =>
          this.ctx.queue({
            kind: "command",
            run: () => (this.ctx.model.changeHandlers = this.ctx.model.changeHandlers.filter((x) => x !== h)),
          }),
      };
    },
  };
  load(_props: string): void {
    this.queueLoad(() => {
      const items = this.ctx.model.sheets.map((s) => ({ id: s.id, name: s.name, visibility: s.visibility }));
      this.ctx.measure(items);
      this.itemsValue = this.ctx.model.sheets.map(
        (s) => new FakeWorksheet(this.ctx, () => s, { id: s.id, name: s.name, visibility: s.visibility }),
      );
      return { items: true };
    });
  }
  get items(): FakeWorksheet[] {
    this.read("items");
    return this.itemsValue;
  }
  getItem(key: string): FakeWorksheet {
    return new FakeWorksheet(this.ctx, () => this.ctx.model.sheet(key));
  }
}

class FakeWorksheet extends Proxy {
  constructor(
    ctx: FakeContext,
    private readonly resolve: () => FakeSheet,
    known?: Record<string, unknown>,
  ) {
    super(ctx);
    if (known) this.data = known;
  }
  get id(): string {
    return this.read("id");
  }
  get name(): string {
    return this.read("name");
  }
  get visibility(): string {
    return this.read("visibility");
  }
  activate(): void {
    this.ctx.queue({ kind: "command", run: () => (this.ctx.model.active = this.resolve().name) });
  }
  getRange(address?: string): FakeRange {
    return new FakeRange(this.ctx, this.resolve, address);
  }
  getRanges(address: string): { conditionalFormats: FakeCfCollection } {
    if (address.length > 8192)
      throw Object.assign(new Error("InvalidArgument: adressen är för lång"), { code: "InvalidArgument" });
    return { conditionalFormats: new FakeCfCollection(this.ctx, this.resolve, address) };
  }
  getRangeByIndexes(row: number, col: number, rows: number, cols: number): FakeRange {
    return new FakeRange(this.ctx, this.resolve, undefined, { row, col, rows, cols });
  }
  getUsedRangeOrNullObject(_valuesOnly?: boolean): FakeRange {
    return new FakeRange(this.ctx, this.resolve, undefined, "used");
  }
}

class FakeRange extends Proxy {
  readonly conditionalFormats: FakeCfCollection;
  constructor(
    ctx: FakeContext,
    private readonly resolve: () => FakeSheet,
    private readonly address?: string,
    private readonly box?: { row: number; col: number; rows: number; cols: number } | "used",
  ) {
    super(ctx);
    this.conditionalFormats = new FakeCfCollection(ctx, resolve, address ?? "");
  }
  private area(): { row: number; col: number; rows: number; cols: number } | null {
    const s = this.resolve();
    if (this.box === "used") return bounds(s) ?? null;
    if (this.box) return this.box;
    if (!this.address) return { row: 0, col: 0, rows: 0, cols: 0 };
    const p = a1ToPosition(this.address);
    return { row: p.row, col: p.col, rows: 1, cols: 1 };
  }
  load(props: string): void {
    const wanted = props.split(",").map((p) => p.trim());
    this.queueLoad(() => {
      const a = this.area();
      if (!a) return null;
      const s = this.resolve();
      const d: Record<string, unknown> = {
        rowIndex: a.row,
        columnIndex: a.col,
        rowCount: a.rows,
        columnCount: a.cols,
      };
      if (wanted.includes("values")) {
        d.values = grid(s, a.row, a.col, a.rows, a.cols);
        this.ctx.measure(d.values);
      }
      return d;
    });
  }
  get values(): Cell[][] {
    return this.read("values");
  }
  set values(v: Cell[][]) {
    this.ctx.queue({
      kind: "command",
      run: () => {
        const a = this.area();
        if (!a) return;
        const s = this.resolve();
        v.forEach((row, r) =>
          row.forEach((x, c) => {
            const key = positionToA1({ row: a.row + r, col: a.col + c });
            if (x === "" || x === null) s.cells.delete(key);
            else s.cells.set(key, x);
          }),
        );
      },
    });
  }
  get rowIndex(): number {
    return this.read("rowIndex");
  }
  get columnIndex(): number {
    return this.read("columnIndex");
  }
  get rowCount(): number {
    return this.read("rowCount");
  }
  get columnCount(): number {
    return this.read("columnCount");
  }
  select(): void {
    this.ctx.queue({
      kind: "command",
      run: () => (this.ctx.model.selected = { sheet: this.resolve().name, cell: this.address ?? "" }),
    });
  }
}

class FakeCfCollection {
  constructor(
    private readonly ctx: FakeContext,
    private readonly resolve: () => FakeSheet,
    private readonly address: string,
  ) {}
  add(type: string): FakeCf_ {
    if (type !== "Custom") throw new Error(`Oväntad typ ${type}`);
    const cf = new FakeCf_(this.ctx, undefined);
    this.ctx.queue({
      kind: "command",
      run: () => {
        const model: FakeCf = {
          id: this.ctx.model.newCfId(),
          sheetId: this.resolve().id,
          address: this.address,
        };
        this.ctx.model.cfs.push(model);
        cf.bind(model);
      },
    });
    return cf;
  }
  getItemOrNullObject(id: string): FakeCf_ {
    const cf = new FakeCf_(this.ctx, id);
    this.ctx.queue({
      kind: "command",
      run: () => {
        const sheet = this.resolve();
        const model = this.ctx.model.cfs.find((c) => c.id === id && c.sheetId === sheet.id);
        cf.bind(model);
      },
    });
    return cf;
  }
}

class FakeCf_ extends Proxy {
  private model: FakeCf | undefined;
  readonly custom: {
    rule: { formula: string };
    format: { fill: { color: string }; font: { color: string } };
  };
  constructor(
    ctx: FakeContext,
    private readonly lookupId: string | undefined,
  ) {
    super(ctx);
    const set = (apply: (m: FakeCf) => void) =>
      this.ctx.queue({
        kind: "command",
        run: () => {
          if (this.model) apply(this.model);
        },
      });
    this.custom = {
      rule: {
        set formula(v: string) {
          set((m) => (m.formula = v));
        },
        get formula() {
          throw new Error("formula not loaded");
        },
      },
      format: {
        fill: {
          set color(v: string) {
            set((m) => (m.fill = v));
          },
          get color(): string {
            throw new Error("not loaded");
          },
        },
        font: {
          set color(v: string) {
            set((m) => (m.font = v));
          },
          get color(): string {
            throw new Error("not loaded");
          },
        },
      },
    };
  }
  bind(model: FakeCf | undefined): void {
    this.model = model;
  }
  load(_props: string): void {
    this.queueLoad(() => {
      if (!this.model) return null;
      this.ctx.measure(this.model.id);
      return { id: this.model.id };
    });
  }
  get id(): string {
    return this.read("id");
  }
  delete(): void {
    this.ctx.queue({
      kind: "command",
      run: () => {
        if (!this.model)
          throw Object.assign(new Error(`ItemNotFound: ${this.lookupId}`), { code: "ItemNotFound" });
        const id = this.model.id;
        this.ctx.model.cfs = this.ctx.model.cfs.filter((c) => c.id !== id);
      },
    });
  }
}

class FakeNames extends Proxy {
  private itemsValue: { name: string; type: string; formula: string }[] = [];
  load(_p: string): void {
    this.queueLoad(() => {
      this.itemsValue = this.ctx.model.names.map((n) => ({ ...n }));
      this.ctx.measure(this.itemsValue);
      return { items: true };
    });
  }
  get items() {
    this.read("items");
    return this.itemsValue;
  }
}

class FakeSetting extends Proxy {
  constructor(
    ctx: FakeContext,
    private readonly key: string,
  ) {
    super(ctx);
  }
  load(_p: string): void {
    this.queueLoad(() => {
      const v = this.ctx.model.settings.get(this.key);
      this.ctx.measure(v);
      return v === undefined ? null : { value: v };
    });
  }
  get value(): string {
    return this.read("value");
  }
}

class FakeSettings {
  constructor(private readonly ctx: FakeContext) {}
  getItemOrNullObject(key: string): FakeSetting {
    return new FakeSetting(this.ctx, key);
  }
  add(key: string, value: string): void {
    this.ctx.queue({ kind: "command", run: () => this.ctx.model.settings.set(key, value) });
  }
}

/** An ExcelRun over the fake; `contexts` records every batch's context (for sync counts). */
export function fakeRun(model: FakeWorkbook, payloadLimit?: number) {
  const contexts: FakeContext[] = [];
  const run = async <T>(batch: (context: Excel.RequestContext) => Promise<T>): Promise<T> => {
    const ctx = new FakeContext(model, payloadLimit);
    contexts.push(ctx);
    return batch(ctx as unknown as Excel.RequestContext);
  };
  return {
    run,
    contexts,
    /** Syncs since the last reset. */
    syncs: () => contexts.reduce((n, c) => n + c.syncCount, 0),
    reset: () => (contexts.length = 0),
  };
}
