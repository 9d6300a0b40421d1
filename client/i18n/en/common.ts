// The shell (header, navigation, sign-in, page gates) in English. Keys are grouped by where they show.
import { RULE_LABELS } from "../../../shared/accounts/labels.ts";

export const common = {
  appName: "Floodgate",
  tagline: "incident response console",
  language: { label: "Language", en: "English", ja: "日本語" },
  header: { signOut: "Sign out", toggleNav: "Toggle navigation" },
  footer: "All times in JST (Asia/Tokyo). Amounts in yen.",
  loading: "Loading",
  roles: { ANALYST: "Fraud analyst", MANAGER: "Manager", SUPPORT: "Support", ADMIN: "Administrator" },
  nav: {
    overview: { label: "Overview", description: "Link and charge volume by bank against normal levels" },
    accounts: { label: "Accounts", description: "Anomalous wallet accounts and likely victims" },
    suspensions: { label: "Suspensions", description: "Banks whose registrations, link changes or charges are suspended" },
    quarantine: { label: "Quarantine", description: "Links held for review after a suspension" },
    compensation: { label: "Compensation", description: "Paying victims back, approvals and payouts" },
    approvals: { label: "Approvals", description: "Large compensation cases waiting for a manager" },
    changes: { label: "Four eyes", description: "Lifts, threshold raises and role grants waiting for a second person" },
    payouts: { label: "Payouts", description: "Payout batches and transfer files" },
    audit: { label: "Audit log", description: "Every staff action" },
    feeds: { label: "Feed health", description: "Is the wallet platform still sending events and asking for decisions?" },
    admin: { label: "Administration", description: "Staff, API keys and settings" },
    webhooks: { label: "Webhooks", description: "Events sent to the wallet platform, and their deliveries" },
  },
  signIn: {
    subtitle: "Incident response console — staff sign-in",
    expired: "Your session has expired. Sign in again to continue where you were.",
    email: "Email",
    password: "Password",
    submit: "Sign in",
  },
  gate: {
    forbidden: "Your role cannot use this page.",
    forbiddenRole: "Your role ({{role}}) cannot use this page.",
    notFoundTitle: "Page not found",
    notFoundText: "There is no page at this address. Use the navigation on the left.",
  },
  crash: {
    title: "This page could not be shown",
    text: "Something went wrong while showing this page. Reloading usually helps; if it does not, tell support what you were doing.",
    reload: "Reload",
  },
  placeholder: { comingSoon: "Coming soon" },
  metrics: { LINK_REGISTERED: "New links", LINK_CHANGED: "Link changes", CHARGE_COUNT: "Charges", CHARGE_YEN: "Charged yen", REGISTRATION_DENIED: "Denied registrations" },
  ranges: { "6h": "6 h", "24h": "24 h", "7d": "7 d", "30d": "30 d", custom: "Custom" },
  /** Lower-case scope words inside sentences ("suspended since …: registrations and link changes"). */
  scopeWords: { REGISTRATION: "registrations", LINK_CHANGE: "link changes", CHARGE: "charges" },
  scopeLabels: { REGISTRATION: "New link registrations", LINK_CHANGE: "Link changes (to or from the bank)", CHARGE: "Charges on all links at the bank" },
  /** Each scoring rule's one English label (shared/accounts/labels.ts, also used outside the console). */
  rules: RULE_LABELS,
  table: { sortBy: "Sort by {{label}}" },
  reason: { label: "Reason", whyChange: "Why this changes" },
  back: "Back",
  cancel: "Cancel",
  close: "Close",

  amount: {
    readAs: "Read as {{value, yen}}",
    empty: "Enter an amount in yen.",
    decimal: "Yen has no decimals: enter whole yen, without a point.",
    negative: "Enter an amount above zero, without a minus sign.",
    grouping: "Commas go between groups of three digits (1,000 or 1,000,000), or leave them out.",
    invalid: "Enter digits only, e.g. 1000 or 1,000.",
    tooSmall: "At least {{limit, yen}}.",
    tooLarge: "At most {{limit, yen}}.",
    tooLargeNoLimit: "This number is too large.",
  },
  errors: {
    generic: "Something went wrong.",
    genericWithId: "Something went wrong (request id {{requestId}}).",
    network: "The server cannot be reached. Check your connection and try again.",
  },
};
