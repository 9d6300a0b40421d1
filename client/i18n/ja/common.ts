// The shell in Japanese: same keys as ../en/common.ts (checked by client/i18n/catalogs.test.ts).
import type { Catalog } from "../types.ts";

export const common = {
  appName: "Floodgate",
  tagline: "インシデント対応コンソール",
  language: { label: "言語", en: "English", ja: "日本語" },
  header: { signOut: "サインアウト", toggleNav: "メニューの開閉" },
  footer: "時刻はすべて日本時間（JST）、金額は円です。",
  loading: "読み込み中",
  roles: { ANALYST: "不正分析担当", MANAGER: "マネージャー", SUPPORT: "サポート", ADMIN: "管理者" },
  nav: {
    overview: { label: "概要", description: "銀行別の口座連携・チャージ量と平常時との比較" },
    accounts: { label: "アカウント", description: "異常なウォレットアカウントと被害の可能性がある口座" },
    suspensions: { label: "停止措置", description: "登録・連携変更・チャージを停止中の銀行" },
    quarantine: { label: "隔離", description: "停止措置の後に審査待ちとなった口座連携" },
    compensation: { label: "補償", description: "被害者への返金、承認と支払" },
    approvals: { label: "承認", description: "マネージャーの承認待ちの高額補償案件" },
    payouts: { label: "支払", description: "支払バッチと振込ファイル" },
    audit: { label: "監査ログ", description: "すべての職員操作" },
    admin: { label: "管理", description: "職員、APIキー、設定" },
  },
  signIn: {
    subtitle: "インシデント対応コンソール — 職員サインイン",
    expired: "セッションの有効期限が切れました。続きから作業するには、もう一度サインインしてください。",
    email: "メールアドレス",
    password: "パスワード",
    submit: "サインイン",
  },
  gate: {
    forbidden: "あなたのロールではこのページを使用できません。",
    forbiddenRole: "あなたのロール（{{role}}）ではこのページを使用できません。",
    notFoundTitle: "ページが見つかりません",
    notFoundText: "このアドレスにページはありません。左のメニューから移動してください。",
  },
  crash: {
    title: "このページを表示できませんでした",
    text: "ページの表示中に問題が発生しました。再読み込みで解決することが多いです。解決しない場合は、何をしていたかをサポートに伝えてください。",
    reload: "再読み込み",
  },
  placeholder: { comingSoon: "準備中" },
  amount: {
    readAs: "{{value, yen}} として読み取りました",
    empty: "金額を円で入力してください。",
    decimal: "円に小数はありません。小数点なしの整数で入力してください。",
    negative: "マイナス記号なしで、0より大きい金額を入力してください。",
    grouping: "カンマは3桁ごとに入れるか（1,000 や 1,000,000）、入れずに入力してください。",
    invalid: "数字だけで入力してください（例: 1000 や 1,000）。",
    tooSmall: "{{limit, yen}} 以上で入力してください。",
    tooLarge: "{{limit, yen}} 以下で入力してください。",
    tooLargeNoLimit: "数値が大きすぎます。",
  },
  errors: {
    generic: "問題が発生しました。",
    genericWithId: "問題が発生しました（リクエストID {{requestId}}）。",
    network: "サーバーに接続できません。接続を確認して、もう一度お試しください。",
  },
} satisfies Catalog;
