/** The audit log: who changed what, before and after. One writer for every use case. */
import { auditLog } from "../schema.ts";
import type { Executor } from "../types.ts";

export type AuditEntry = typeof auditLog.$inferInsert;

/** Writes one entry or several; run it in the transaction of the change it records. */
export async function recordAudit(db: Executor, entry: AuditEntry | readonly AuditEntry[]): Promise<void> {
  const entries = Array.isArray(entry) ? [...entry] : [entry as AuditEntry];
  if (entries.length === 0) return;
  await db.insert(auditLog).values(entries);
}
