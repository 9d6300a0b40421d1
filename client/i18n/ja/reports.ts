import type { reports as en } from "../en/reports.ts";

export const reports: typeof en = {
  regulator: {
    title: "監督当局向け報告",
    subtitle: "銀行別と合計：不正ウォレットによる被害者数・引落し件数・被害額、補償案件、補償済み額、手続中の額、銀行または他者による補填額、講じた措置 — 指定した時点の値です。",
    asOf: "基準時点（日本時間）",
    asOfHint: "空欄：現在",
    asOfLine: "基準時点",
    print: "印刷",
    csv: "CSVをダウンロード",
    loading: "報告を読み込み中",
    empty: "この時点までに不正な引落し・案件・措置はありません。",
    total: "合計",
    note: "補償済みは振込が完了したものだけです。手続中は依頼中の案件と、承認済みで振込未完了の案件です。すべて指定した時点の状態です（不正ウォレットかどうかもその時点のラベルと判定によります。案件・支払・払戻し・措置もその時点までの記録です）。",
  },
  col: {
    bank: "銀行",
    victimCount: "被害者",
    chargeCount: "引落し",
    takenYen: "被害額",
    caseCount: "案件",
    compensatedYen: "補償済み",
    pendingYen: "手続中",
    reimbursedByOthersYen: "銀行・他者の補填",
    outstandingYen: "未補償",
  },
  measures: {
    title: "措置",
    scopes: "停止対象",
    starts: "開始",
    ends: "終了",
    status: "その時点",
    quarantine: "口座連携を隔離",
    openEnded: "解除まで",
    empty: "この時点までに措置はありません。",
    state: { ACTIVE: "実施中", SCHEDULED: "予定", ENDED: "終了" },
  },
  scope: { REGISTRATION: "新規登録", LINK_CHANGE: "口座連携の変更", CHARGE: "チャージ" },
  pack: {
    download: "提携銀行向け資料",
    done: "{{file}} をダウンロードしました（監査ログに記録）。",
  },
};
