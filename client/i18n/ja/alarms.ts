// 銀行単位の急増警報: ../en/alarms.ts と同じキー（client/i18n/catalogs.test.ts が確認）。
import type { Catalog } from "../types.ts";

export const alarms = {
  title: "この期間の急増警報",
  spikingSince: "{{at, jst}}から急増中",
  acknowledgedSince: "{{at, jst}}からの急増（確認済み）",
  none: "この期間、この銀行に急増警報はありません。",
  evidence: {
    FRESH_LINKS_CHARGED: "新しい口座連携が数分以内に上限近くまでチャージされた",
    SUSPECT_LINKS: "開設直後のウォレットによる他人名義の口座連携",
    STRONG_LINKS: "新しい口座連携の急増",
    LINKS_AND_YEN: "新しい口座連携と上限近くのチャージ額",
  },
  reasons: {
    FRESH_HEAVY_LINKS_other: "連携から数分で上限近くまでチャージされた新しい口座連携 {{count, count}}件",
    SUSPECT_LINKS_other: "ウォレット開設から数分で連携された他人名義の口座 {{count, count}}件（本人確認なし、または連携直後に2回チャージ）",
    NEW_LINKS_other: "新しい口座連携 {{count, count}}件",
    CHARGED_YEN: "チャージ {{yen, yen}}",
  },
  reasonLine: "直近{{minutes}}分で{{what}}（通常は{{expected}}: {{factor}}）",
  yenAmount: "{{v, yen}}",
  factor: "通常の{{factor}}倍",
  factorOver: "通常の100倍超",
  factorNone: "通常はなし",
  columns: { evidence: "検知内容", started: "開始", confirmed: "発報", harm: "推定被害", ended: "終了", acknowledged: "確認済み" },
  harmPerHour: "{{v, yen}}/時",
  open: "継続中",
  notAcknowledged: "未確認",
  acknowledgedBy: "{{name}}（{{at, jst}}）: {{reason}}",
  acknowledge: "確認済みにする…",
  dialog: {
    title: "{{bank}}の急増を確認済みにする",
    text: "警報は全員のインシデントバナーから消え、このページには氏名・時刻・理由とともに残ります。これ以上の対応が不要なものだけを確認済みにしてください。",
    reason: "理由",
    placeholder: "例: この銀行でのウォレットキャンペーン（マーケティング部に確認済み）",
    cancel: "キャンセル",
    confirm: "確認済みにする",
  },
  done: "急増を確認済みにしました。バナーから消えました。",
} satisfies Catalog;
