/** Organisations (机关党委) in the database: a deployment usually holds one. */
import { eq } from "drizzle-orm";
import { organisations } from "../schema.ts";
import type { Executor } from "../types.ts";

export type OrganisationRow = typeof organisations.$inferSelect;

export async function listOrganisations(db: Executor): Promise<OrganisationRow[]> {
  return db.select().from(organisations);
}

/** The organisation with this roster code (`organisation.id` in the roster file); empty if none. */
export async function findOrganisationsByCode(db: Executor, code: string): Promise<OrganisationRow[]> {
  return db.select().from(organisations).where(eq(organisations.code, code));
}
