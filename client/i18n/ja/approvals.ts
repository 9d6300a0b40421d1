// 二人目の承認が必要な変更: ../en/approvals.ts と同じキー（client/i18n/catalogs.test.ts が確認）。
import type { Catalog } from "../types.ts";

export const approvals = {
  title: "二人目の承認を待つ変更",
  intro: "停止の解除、補償承認基準額の引き上げ、MANAGER または ADMIN の付与は、権限を持つ別の担当者が承認したときにだけ反映されます。一人で適用した緊急変更は、別の担当者が確認するまでここに表示されます。",
  open: "承認待ち",
  noneOpen: "二人目の承認を待つ変更はありません。",
  closed: "最近の決定",
  noneClosed: "まだ決定された変更はありません。",
  status: {
    PENDING: "承認待ち",
    APPROVED: "承認・適用済み",
    REJECTED: "却下",
    EMERGENCY_APPLIED: "緊急: 未確認",
    REVIEWED: "緊急: 確認済み",
  },
  requestedBy: "{{email}} が {{at, jst}} に依頼: 「{{reason}}」",
  appliedBy: "{{email}} が {{at, jst}} に一人で適用: 「{{reason}}」",
  decidedBy: "{{email}}（{{at, jst}}）: 「{{reason}}」",
  approve: "承認して適用",
  reject: "却下",
  review: "確認済みにする",
  approveTitle: "承認: {{summary}}",
  rejectTitle: "却下: {{summary}}",
  reviewTitle: "緊急変更の確認: {{summary}}",
  approveText: "変更はすぐに適用され、あなたと依頼者の名前で監査ログに記録されます。",
  reviewText: "確認した内容を書いてください。確認後、概要画面から消えます。",
  approved: "承認して適用しました。",
  rejected: "却下しました。変更はありません。",
  reviewed: "確認済みにしました。",
  columns: { change: "変更", status: "結果", asked: "依頼者", decided: "決定・確認者" },
  notice: {
    title_one: "一人で適用された緊急変更が未確認です",
    title_other: "一人で適用された緊急変更 {{count}} 件が未確認です",
    item: "{{summary}}（{{email}}、{{at, jst}}）: 「{{reason}}」",
    open: "「二人目の承認」ページで確認する",
  },
} satisfies Catalog;
