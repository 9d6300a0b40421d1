import { describe, expect, it } from "vitest";
import { PAGE_REQUIRES, PROCEDURE_ROLES, mayOpenPage, type PagePattern } from "./permissions.ts";
import { ROLES } from "./roles.ts";

describe("pages by role", () => {
  it("every page needs a procedure the server knows", () => {
    for (const [page, proc] of Object.entries(PAGE_REQUIRES)) expect(PROCEDURE_ROLES[proc], page).toBeDefined();
  });

  it("each role opens exactly the pages its work needs", () => {
    const open = Object.fromEntries(ROLES.map((r) => [r, (Object.keys(PAGE_REQUIRES) as PagePattern[]).filter((p) => mayOpenPage(r, p))]));
    expect(open.SUPPORT).not.toContain("/accounts");
    expect(open.SUPPORT).not.toContain("/accounts/:accountId");
    expect(open.SUPPORT).toContain("/compensation/new");
    expect(open.ANALYST).not.toContain("/compensation");
    expect(open.ANALYST).toContain("/quarantine");
    expect(open.MANAGER).toContain("/compensation/approvals");
    expect(open.MANAGER).not.toContain("/admin");
    expect(open.ADMIN).toContain("/admin");
    expect(open.ADMIN).not.toContain("/compensation/new");
    expect(mayOpenPage(undefined, "/overview")).toBe(false);
  });
});
