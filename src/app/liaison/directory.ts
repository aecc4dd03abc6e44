import { ownerDirectoryData } from "../../db/queries/liaison.ts";
import type { Executor } from "../../db/types.ts";
import type { OwnerDirectory } from "../../domain/liaison-problems.ts";

/**
 * Who answers for a problem: the roster as it is now. A department named in a problem line is one of
 * the organ's 党支部 (办公室 = 办公室党支部), answered for by its 书记 (or 副书记 in a vacancy).
 */
export async function loadOwnerDirectory(
  db: Executor,
  orgId: string,
): Promise<{ directory: OwnerDirectory; departments: string[] }> {
  const { people, branches } = await ownerDirectoryData(db, orgId);
  const byId = new Map(people.map((p) => [p.id, p]));
  const secretaryOf = (branchId: string) => {
    const active = people.filter((p) => p.branchId === branchId && p.active);
    return (active.find((p) => p.role === "secretary") ?? active.find((p) => p.role === "deputy_secretary"))
      ?.id;
  };
  const partyBranches = branches.filter((b) => b.kind === "branch");
  const bare = (n: string) => n.replace(/党支部$|党总支$/, "");
  return {
    departments: partyBranches.map((b) => b.name),
    directory: {
      isActive: (id) => byId.get(id)?.active === true,
      nameOf: (id) => byId.get(id)?.name,
      secretaryOf,
      branchName: (id) => branches.find((b) => b.id === id)?.name ?? "该支部",
      departmentOwner: (name) => {
        const b = partyBranches.find((x) => x.name === name || bare(x.name) === bare(name));
        return b ? secretaryOf(b.id) : undefined;
      },
    },
  };
}
