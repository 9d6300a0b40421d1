// The four-eyes reads: the requests waiting for a second person and the recent closed ones (with
// what the signed-in person may do with each), and the emergencies not yet reviewed.
import type { PrismaClient } from "../../generated/prisma/client.ts";
import { decideApproval, decideReview, type ChangeStatus } from "../../../shared/approvals/rules.ts";
import { ChangePayload } from "../../../shared/approvals/schemas.ts";
import type { StaffActor } from "../audit/write-audit.ts";
import { summaryOf } from "./summary.ts";
import { APPROVAL_ERRORS } from "../../../shared/approvals/errors.ts";

const OPEN: ChangeStatus[] = ["PENDING", "EMERGENCY_APPLIED"];

/** Requests waiting for a second person (pending, or emergencies not yet reviewed), then the last 50 closed. */
export async function listChanges(db: PrismaClient, actor: StaffActor) {
  const [open, closed] = await Promise.all([
    db.changeRequest.findMany({ where: { status: { in: OPEN } }, orderBy: [{ requestedAt: "asc" }, { id: "asc" }], take: 200, include: PEOPLE }),
    db.changeRequest.findMany({ where: { status: { notIn: OPEN } }, orderBy: [{ requestedAt: "desc" }, { id: "asc" }], take: 50, include: PEOPLE }),
  ]);
  const rows = await Promise.all([...open, ...closed].map(async (r) => {
    const payload = ChangePayload.parse(r.payload);
    const approval = decideApproval({ kind: r.kind, status: r.status, requesterId: r.requestedById, approver: actor });
    const review = decideReview({ kind: r.kind, status: r.status, requesterId: r.requestedById, reviewer: actor });
    const whyNotCode = r.status === "PENDING" && !approval.ok ? approval.code : r.status === "EMERGENCY_APPLIED" && !review.ok ? review.code : null;
    return {
      id: r.id,
      kind: r.kind,
      payload,
      ...(await summaryOf(db, payload)),
      status: r.status,
      emergency: r.emergency,
      reason: r.reason,
      requestedByEmail: r.requestedBy.email,
      requestedAt: r.requestedAt,
      decidedByEmail: r.decidedBy?.email ?? null,
      decidedAt: r.decidedAt,
      decisionReason: r.decisionReason,
      reviewedByEmail: r.reviewedBy?.email ?? null,
      reviewedAt: r.reviewedAt,
      reviewReason: r.reviewReason,
      canDecide: r.status === "PENDING" && approval.ok,
      canReview: r.status === "EMERGENCY_APPLIED" && review.ok,
      whyNot: whyNotCode ? APPROVAL_ERRORS[whyNotCode].message : null,
      /** the same reason as a code, for the console's words in the reader's language */
      whyNotCode,
    };
  }));
  return { open: rows.slice(0, open.length), closed: rows.slice(open.length) };
}

const PEOPLE = { requestedBy: { select: { email: true } }, decidedBy: { select: { email: true } }, reviewedBy: { select: { email: true } } } as const;

/** Emergencies applied alone and not yet reviewed: the overview shows them to everyone. */
export async function unreviewedEmergencies(db: PrismaClient) {
  const rows = await db.changeRequest.findMany({ where: { status: "EMERGENCY_APPLIED" }, orderBy: { requestedAt: "asc" }, take: 20, include: PEOPLE });
  return Promise.all(rows.map(async (r) => {
    const payload = ChangePayload.parse(r.payload);
    return { id: r.id, kind: r.kind, payload, ...(await summaryOf(db, payload)), reason: r.reason, appliedByEmail: r.requestedBy.email, appliedAt: r.requestedAt };
  }));
}
