/**
 * Seeding on first start (empty organisations table): Region Sörmland (04) and Region
 * Västmanland (19), their joint purchasing agreement, its cost key with the current 52/48 split
 * active and a population-based alternative (SCB 31 Dec 2023: 301 944 / 280 813) as a draft.
 *
 * Dev users (UPPF_DEV_SEED=1 or `seedDevUsers`): FOR LOCAL/DEMO USE ONLY. Their tokens are
 * fixed and public (below), so never enable this on a server reachable by others.
 */
import type { Db, Queryable } from "./db";
import { hashToken, type Role } from "./auth";
import { TEMPLATE_V1 } from "../domain/template";
import {
  SORMLAND_VASTMANLAND_OBSERVED_KEY,
  SORMLAND_VASTMANLAND_POPULATION_KEY,
  type CostKey,
} from "../domain/costsplit";

/** A domain key's weights as a cost key version stores them. */
const weightsOf = (key: CostKey) =>
  JSON.stringify(key.parties.map((p) => ({ orgId: p.id, weight: p.weight })));

export const SEED_AGREEMENT_ID = "inkop-04-19";
export const SEED_COST_KEY_ID = "inkop-04-19-kostnader";

const SEED_LOCK_KEY = 0x75707068;

export const DEV_PROVIDER_ORG = { id: "559100-1234", name: "Exempelvården AB" } as const;
export const DEV_WORKBOOK_ID = "wb-demo-exempelvarden";
/** A second demo provider, so two providers and a controller can be tried side by side. */
export const DEV_PROVIDER_ORG_2 = { id: "559200-4567", name: "Omsorgshuset Norra AB" } as const;
export const DEV_WORKBOOK_ID_2 = "wb-demo-omsorgshuset";

/** The demo providers and their shared workbooks (both report to Region Sörmland, 04). */
export const DEV_PROVIDERS = [
  { org: DEV_PROVIDER_ORG, workbookId: DEV_WORKBOOK_ID, token: "uppf-dev-utforare" },
  { org: DEV_PROVIDER_ORG_2, workbookId: DEV_WORKBOOK_ID_2, token: "uppf-dev-utforare-2" },
] as const;

/** Fixed, well-known tokens for local development and the task pane's end-to-end tests. */
export const DEV_USERS: ReadonlyArray<{ name: string; role: Role; orgId: string; token: string }> = [
  { name: "Karin Controller (demo)", role: "controller", orgId: "04", token: "uppf-dev-controller-04" },
  { name: "Cecilia Controller (demo)", role: "controller", orgId: "19", token: "uppf-dev-controller-19" },
  { name: "Ulf Utförare (demo)", role: "utforare", orgId: DEV_PROVIDER_ORG.id, token: "uppf-dev-utforare" },
  {
    name: "Olga Omsorg (demo)",
    role: "utforare",
    orgId: DEV_PROVIDER_ORG_2.id,
    token: "uppf-dev-utforare-2",
  },
  { name: "Fia Finans Sörmland (demo)", role: "finance", orgId: "04", token: "uppf-dev-finance-04" },
  { name: "Valter Finans Västmanland (demo)", role: "finance", orgId: "19", token: "uppf-dev-finance-19" },
  { name: "Anna Admin (demo)", role: "admin", orgId: "04", token: "uppf-dev-admin-04" },
];

export async function seedBaseData(db: Db): Promise<boolean> {
  return db.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock($1)", [SEED_LOCK_KEY]);
    const [{ n }] = await tx.query<{ n: number }>("SELECT count(*)::int AS n FROM organisations");
    if (Number(n) > 0) return false;
    await tx.query(
      `INSERT INTO organisations (id, name, kind) VALUES ('04', 'Region Sörmland', 'region'), ('19', 'Region Västmanland', 'region')`,
    );
    await tx.query(`INSERT INTO agreements (id, name, description) VALUES ($1, $2, $3)`, [
      SEED_AGREEMENT_ID,
      "Gemensam inköpsfunktion Region Sörmland och Region Västmanland",
      "Kostnaderna delas hälften var, utom kostnader som kan hänföras till en region; utfallet har varit ungefär 52/48.",
    ]);
    await tx.query(`INSERT INTO agreement_parties (agreement_id, org_id) VALUES ($1, '04'), ($1, '19')`, [
      SEED_AGREEMENT_ID,
    ]);
    await tx.query(`INSERT INTO cost_keys (id, agreement_id, name) VALUES ($1, $2, $3)`, [
      SEED_COST_KEY_ID,
      SEED_AGREEMENT_ID,
      "Fördelningsnyckel för inköpsfunktionens kostnader",
    ]);
    await tx.query(
      `INSERT INTO cost_key_versions (key_id, version_no, status, basis, note, weights, activated_at)
       VALUES ($1, 1, 'active', $2, $3, $4::jsonb, now())`,
      [
        SEED_COST_KEY_ID,
        "Nuvarande fördelning: hälften var plus regionspecifika kostnader",
        "Gällande nyckel vid införandet (utfall de senaste åren ca 52 % / 48 %).",
        weightsOf(SORMLAND_VASTMANLAND_OBSERVED_KEY),
      ],
    );
    await tx.query(
      `INSERT INTO cost_key_versions (key_id, version_no, status, basis, note, weights)
       VALUES ($1, 2, 'draft', $2, $3, $4::jsonb)`,
      [
        SEED_COST_KEY_ID,
        "Befolkning 31 december 2023 (SCB)",
        "Alternativ: Södermanlands län 301 944 och Västmanlands län 280 813 invånare (ca 51,8 % / 48,2 %).",
        weightsOf(SORMLAND_VASTMANLAND_POPULATION_KEY),
      ],
    );
    return true;
  });
}

export async function seedDevUsers(db: Db): Promise<void> {
  await db.transaction(async (tx: Queryable) => {
    await tx.query("SELECT pg_advisory_xact_lock($1)", [SEED_LOCK_KEY]);
    for (const { org } of DEV_PROVIDERS) {
      await tx.query(
        `INSERT INTO organisations (id, name, kind, parent_id) VALUES ($1, $2, 'utforare', '04') ON CONFLICT (id) DO NOTHING`,
        [org.id, org.name],
      );
    }
    const userIdByToken = new Map<string, string>();
    for (const u of DEV_USERS) {
      const existing = await tx.query<{ id: string }>(`SELECT id::text FROM users WHERE token_hash = $1`, [
        hashToken(u.token),
      ]);
      const id =
        existing[0]?.id ??
        (
          await tx.query<{ id: string }>(
            `INSERT INTO users (name, role, org_id, token_hash) VALUES ($1, $2, $3, $4) RETURNING id::text`,
            [u.name, u.role, u.orgId, hashToken(u.token)],
          )
        )[0].id;
      userIdByToken.set(u.token, id);
    }
    for (const { org, workbookId, token } of DEV_PROVIDERS) {
      await tx.query(
        `INSERT INTO workbooks (id, title, provider_org_id, purchaser_org_id, template_id, template_version, created_by)
         VALUES ($1, $2, $3, '04', $5, $6, $4)
         ON CONFLICT (id) DO NOTHING`,
        [
          workbookId,
          `Uppföljning 2026 – ${org.name} (demo)`,
          org.id,
          userIdByToken.get(token),
          TEMPLATE_V1.id,
          TEMPLATE_V1.version,
        ],
      );
    }
  });
}
