// The bank-level spike alarm on the bank page and in the banner (client/features/volume/BankAlarms.tsx).
export const alarms = {
  title: "Spike alarms in this range",
  spikingSince: "Spiking since {{at, jst}}",
  acknowledgedSince: "Acknowledged spike since {{at, jst}}",
  none: "No spike alarm at this bank in this range.",
  evidence: {
    FRESH_LINKS_CHARGED: "New links charged near the limits within minutes",
    STRONG_LINKS: "A burst of new links",
    LINKS_AND_YEN: "New links with near-limit charged yen",
  },
  columns: { evidence: "What it saw", started: "Began", confirmed: "Raised", harm: "Estimated harm", ended: "Ended", acknowledged: "Acknowledged" },
  harmPerHour: "{{v, yen}}/h",
  open: "open",
  notAcknowledged: "not acknowledged",
  acknowledgedBy: "by {{name}} at {{at, jst}}: {{reason}}",
  acknowledge: "Acknowledge…",
  dialog: {
    title: "Acknowledge the spike at {{bank}}",
    text: "The alarm leaves the incident banner for everyone and stays on this page, marked with your name, the time and your reason. Acknowledge only what needs no more attention.",
    reason: "Reason",
    placeholder: "e.g. Wallet campaign at this bank, confirmed with marketing",
    cancel: "Cancel",
    confirm: "Acknowledge",
  },
  done: "Spike acknowledged: it has left the banner.",
};
