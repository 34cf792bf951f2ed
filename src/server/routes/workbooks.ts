/** Shared workbooks, their stored values, submissions with receipts and deviation responses. */
import * as E from "../../api/endpoints";
import { decideDeviation, listDeviationResponses, saveJustification } from "../store/deviationResponses";
import { verifyReceiptsFor } from "../store/receipts";
import { listSubmissions, submitWorkbook } from "../store/submissions";
import { createWorkbook, getWorkbook, listWorkbooks, readCells } from "../store/workbooks";
import { mount, type App, type RouteDeps } from "./mount";

export function mountWorkbooks(app: App, { db }: RouteDeps): void {
  mount(app, E.listWorkbooks, ({ principal }) => listWorkbooks(db, principal));
  mount(app, E.createWorkbook, ({ principal, body }) => createWorkbook(db, principal, body));
  mount(app, E.getWorkbook, ({ principal, params }) => getWorkbook(db, principal, params.id));
  mount(app, E.readCells, ({ principal, params }) => readCells(db, principal, params.id));

  mount(app, E.submitWorkbook, ({ principal, params, body }) =>
    submitWorkbook(db, principal, params.id, body.verdict),
  );
  mount(app, E.listSubmissions, ({ principal, params }) => listSubmissions(db, principal, params.id));
  mount(app, E.verifyReceipts, ({ principal }) => verifyReceiptsFor(db, principal));

  mount(app, E.listDeviationResponses, ({ principal, params }) =>
    listDeviationResponses(db, principal, params.id),
  );
  mount(app, E.saveJustification, ({ principal, params, body }) =>
    saveJustification(
      db,
      principal,
      params.id,
      { avtalId: params.avtalId, avtalVersion: body.avtalVersion, clauseId: params.clauseId },
      body.justification,
    ),
  );
  mount(app, E.decideDeviation, ({ principal, params, body }) =>
    decideDeviation(
      db,
      principal,
      params.id,
      { avtalId: params.avtalId, avtalVersion: body.avtalVersion, clauseId: params.clauseId },
      body.decision,
      body.note,
    ),
  );
}
