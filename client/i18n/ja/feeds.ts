// フィードの健全性: ../en/feeds.ts と同じキー（client/i18n/catalogs.test.ts が確認）。
import type { Catalog } from "../types.ts";

export const feeds = {
  title: "フィードの健全性",
  intro:
    "ウォレット基盤はイベントを送り続け、判定を問い合わせ続けているか。銀行とイベント種別ごとに、最後のイベント、ライブのイベントの遅れ、直近{{minutes}}分のイベントとそれについて問い合わせられた判定を示します。途絶えたフィードや問い合わせのないイベントはここで警報になります。",
  updated: "{{at, jst}}に算出。30秒ごとに更新。",
  loading: "フィードを読み込んでいます…",
  empty: "まだイベントが届いていません。監視する対象がありません。",
  allClear: "すべてのフィードは正常です。平常の水準があるフィードはすべて届いており、どのイベントも判定が問い合わされています。",
  noDecisions: "ウォレット基盤はまだ判定APIに一度も問い合わせていないため、イベントを判定と照合していません（最初の問い合わせより前の履歴を基盤の責任にはしません）。",
  decisionsSince: "判定は基盤の最初の問い合わせ（{{at, jst}}）以降を数えています。",
  alarmsTitle_other: "フィードの警報 {{count}}件",
  alarm: {
    QUIET: "{{bank}}（{{code}}）：{{at, jst}}以降、{{type}}が届いていません。平常ならこれまでに{{expected}}件届くはずです",
    UNASKED: "{{bank}}（{{code}}）：直近{{minutes}}分に、判定APIへの問い合わせのない{{type}}が{{count}}件あります",
  },
  banner: "フィードの警報：{{summary}}",
  bannerMore_other: "ほか{{count}}件",
  open: "フィードの健全性を開く",
  onlyAlarms: "警報のあるフィードのみ",
  types: { "link.registered": "連携登録", "link.changed": "連携変更", "charge.completed": "チャージ" },
  col: {
    bank: "銀行",
    type: "イベント種別",
    lastEvent: "最後のイベント（日本時間）",
    lastReceived: "最後の受信（日本時間）",
    lag: "遅れ、直近1時間（平均／最大）",
    normal: "空白期間の平常件数",
    events: "イベント",
    asked: "問い合わせられた判定",
    unasked: "問い合わせなし",
    state: "状態",
  },
  colHint: { events: "直近{{minutes}}分" },
  state: { QUIET: "途絶", UNASKED: "問い合わせなし", OK: "正常" },
  noLive: "ライブのイベントなし",
  rules:
    "途絶：15分以上イベントがなく、過去7日間の同じ時間帯なら平均7件以上、かつ毎日1件以上届いていたはずのとき（その沈黙の確率は0.1%以下）。問い合わせなし：直前15分以内に判定の問い合わせがないイベントが3件以上。遅れはAPIに送られたライブのイベントの（受信時刻－発生時刻）です。",
} satisfies Catalog;
