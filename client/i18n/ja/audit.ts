// The audit pages in Japanese: same keys as ../en/audit.ts.
import type { Catalog } from "../types.ts";

export const audit = {
  timeline: {
    title: "インシデントの経過",
    export: "Markdownで出力",
    loading: "経過を読み込み中",
    empty: "この銀行で記録された急増や職員の操作はまだありません。",
    kind: { SPIKE_STARTED: "急増", SPIKE_ENDED: "急増", SUSPENSION: "停止措置", QUARANTINE: "隔離", COMPENSATION: "補償", OTHER: "操作" },
    by: "実施者: {{who}}",
    record: "記録 #{{id}}",
    older: "それより前の職員の操作は監査ログにあります。",
    col: { compensation: "補償", cases: "案件数", total: "合計" },
  },
} satisfies Catalog;
