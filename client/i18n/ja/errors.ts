// Japanese words for the server's error codes (shared/errors.ts ERROR_CODES and the feature registries).
// English shows the server's own sentence, which names the case at hand; Japanese shows these, and
// falls back to the server's sentence for a code not listed here. client/i18n/catalogs.test.ts checks
// that every code in the registries has an entry.
export const errorsJa: Record<string, string> = {
  // shared/errors.ts
  VALIDATION_FAILED: "入力内容に誤りがあります。",
  UNAUTHENTICATED: "サインインしてください。",
  SESSION_EXPIRED: "セッションの有効期限が切れました。もう一度サインインしてください。",
  INVALID_CREDENTIALS: "メールアドレスまたはパスワードが正しくありません。",
  FORBIDDEN: "あなたのロールではこの操作はできません。",
  CSRF_REJECTED: "コンソール以外からの要求のため、拒否されました。",
  NOT_FOUND: "見つかりません。",
  CONFLICT: "同時に他の人が変更しました。再読み込みしてから、もう一度お試しください。",
  TOO_MANY_ATTEMPTS: "試行回数が多すぎます。しばらく待ってから、もう一度お試しください。",
  INTERNAL: "サーバーで問題が発生しました。",
  // shared/suspensions/errors.ts
  SUSPENSION_CONFLICT: "この銀行には、いずれかの範囲で有効または予定中の停止措置がすでにあります。先に解除するか、その範囲を外してください。",
  CUTOFF_AFTER_START: "基準時刻は開始時刻より後にできません。",
  UNKNOWN_BANK: "このコードの銀行はありません。",
  SUSPENSION_NOT_FOUND: "この停止措置は見つかりません。",
  SUSPENSION_ALREADY_LIFTED: "この停止措置はすでに解除されています。",
  LINKS_NOT_QUARANTINED: "一部の口座連携はすでに隔離されていません（他の人が審査しました）。再読み込みしてから、もう一度お試しください。",
  // shared/compensation/errors.ts
  COMPENSATION_EXCEEDS_CHARGE: "チャージで失われた額を超えて返金することになります。",
  IDEMPOTENCY_KEY_REUSED: "このフォームからは、内容の異なる案件がすでに作成されています。",
  CHARGE_NOT_FOUND: "この案件のチャージが存在しません。",
  CHARGE_NOT_FOR_VICTIM: "案件のチャージはすべて、同じ被害者の銀行口座からのものである必要があります。",
  CHARGE_NOT_FRAUDULENT: "補償できるのは、要注意または不正確定のウォレットによるチャージだけです。",
  INVALID_AMOUNT: "金額は1円以上の整数で入力してください。",
  CASE_NOT_FOUND: "この補償案件は見つかりません。",
  INVALID_TRANSITION: "案件はすでにこの操作ができない状態です。",
  MANAGER_APPROVAL_REQUIRED: "この金額の案件にはマネージャーの承認が必要です。",
  SELF_APPROVAL_NOT_ALLOWED: "依頼した本人は承認できません。別の担当者の承認が必要です。",
  CASES_NOT_PAYABLE: "承認されていない案件、またはすでに支払バッチに含まれている案件があります。",
  BATCH_NOT_FOUND: "この支払バッチは見つかりません。",
  WALLET_NOT_FOUND: "このIDの要注意または不正確定のウォレットアカウントはありません。",
  // shared/approvals/errors.ts
  FOUR_EYES_REQUIRED: "この変更は保護を弱めます。別の担当者に承認を依頼するか、緊急手続きを使ってください。",
  APPROVER_ROLE_NOT_ALLOWED: "あなたのロールではこの種類の変更を承認できません。",
  CHANGE_REQUEST_NOT_FOUND: "この変更依頼は見つかりません。",
  CHANGE_REQUEST_NOT_PENDING: "この変更依頼はすでに判断済みです。再読み込みして、誰が判断したか確認してください。",
  EMERGENCY_REASON_TOO_SHORT: "緊急の変更には、より詳しい理由が必要です。何が起きていて、なぜ待てないのかを書いてください。",
  EMERGENCY_NOT_REVIEWABLE: "確認済みにできるのは、まだ確認されていない緊急の変更だけです。",
  // shared/admin/staff.ts
  STAFF_NOT_FOUND: "この職員は見つかりません。",
  STAFF_EMAIL_TAKEN: "このメールアドレスの職員はすでに存在します。",
  OWN_ADMIN_ROLE: "自分自身の管理者ロールを外したり、自分を無効にしたりはできません。別の管理者に依頼してください。",
  LAST_ADMIN: "最後の管理者は外せません。先に別の管理者を追加してください。",
  STAFF_ALREADY_INACTIVE: "この職員はすでに無効です。",
  STAFF_ALREADY_ACTIVE: "この職員はすでに有効です。",
  API_KEY_NOT_FOUND: "このAPIキーは見つかりません。",
  API_KEY_ALREADY_REVOKED: "このキーはすでに失効しています。",
  // accounts (server/features/accounts)
  ACCOUNT_NOT_FOUND: "このウォレットアカウントは見つかりません。何も変更されていません。",
  RESCORE_ALREADY_RUNNING: "再スコアリングがすでに実行中です。終了してからもう一度お試しください。",
};
