// The audit pages (bank timeline panel) in English.
export const audit = {
  timeline: {
    title: "Incident timeline",
    export: "Export as Markdown",
    loading: "Loading the timeline",
    empty: "No spikes or staff actions recorded for this bank yet.",
    kind: { SPIKE_STARTED: "spike", SPIKE_ENDED: "spike", SUSPENSION: "suspension", QUARANTINE: "quarantine", COMPENSATION: "compensation", OTHER: "action" },
    by: "by {{who}}",
    record: "record #{{id}}",
    older: "Older staff actions are in the audit log.",
    col: { compensation: "Compensation", cases: "Cases", total: "Total" },
  },
};
