// Words for what a suspension does, shared by the confirm button, the panel and the lists, so the
// sentence a manager confirms is the sentence everyone else reads.
import { formatCount, formatJst } from "../format.ts";
import type { SuspensionScope } from "./schemas.ts";

const SCOPE_WORDS: Record<SuspensionScope, string> = {
  REGISTRATION: "registrations",
  LINK_CHANGE: "link changes",
  CHARGE: "charges",
};
const SCOPE_ORDER: SuspensionScope[] = ["REGISTRATION", "LINK_CHANGE", "CHARGE"];

export const SCOPE_LABELS: Record<SuspensionScope, string> = {
  REGISTRATION: "New link registrations",
  LINK_CHANGE: "Link changes (to or from the bank)",
  CHARGE: "Charges on all links at the bank",
};

function joinWords(words: string[]): string {
  if (words.length <= 1) return words.join("");
  return `${words.slice(0, -1).join(", ")} and ${words[words.length - 1]}`;
}

/** "registrations and link changes" */
export function scopeWords(scopes: readonly SuspensionScope[]): string {
  return joinWords(SCOPE_ORDER.filter((s) => scopes.includes(s)).map((s) => SCOPE_WORDS[s]));
}

/** "The 77 Bank", "The 77 Bank and Hokuto Bank", "5 banks (The 77 Bank, Hokuto Bank, …)" */
export function bankWords(bankNames: readonly string[]): string {
  if (bankNames.length <= 2) return joinWords([...bankNames]);
  const shown = bankNames.slice(0, 3).join(", ");
  return `${bankNames.length} banks (${shown}${bankNames.length > 3 ? ", …" : ""})`;
}

const plural = (n: number, one: string, many: string) => `${formatCount(n)} ${n === 1 ? one : many}`;

export interface SuspendActionFacts {
  bankNames: readonly string[];
  scopes: readonly SuspensionScope[];
  /** null: from now. */
  startsAt: Date | null;
  cutoffAt: Date;
  quarantine: boolean;
  /** Links the preview counted as to be quarantined (across all banks). */
  toQuarantineCount: number;
}

/**
 * The confirm button's words, e.g. "Suspend registrations and link changes at The 77 Bank from now;
 * quarantine 1,234 links registered since 2026-11-23 16:00 JST".
 */
export function describeSuspendAction(f: SuspendActionFacts): string {
  const when = f.startsAt ? `from ${formatJst(f.startsAt)}` : "from now";
  let text = `Suspend ${scopeWords(f.scopes)} at ${bankWords(f.bankNames)} ${when}`;
  if (f.quarantine) {
    const since = formatJst(f.cutoffAt);
    text += f.toQuarantineCount > 0
      ? `; quarantine ${plural(f.toQuarantineCount, "link", "links")} registered since ${since}`
      : `; quarantine links registered since ${since} (none so far)`;
  }
  return text;
}

/** One line for a suspension record: "Registrations and link changes suspended since 2026-11-25 13:05 JST" */
export function describeSuspension(s: { scopes: readonly SuspensionScope[]; startsAt: Date; state: "ACTIVE" | "SCHEDULED" | "LIFTED"; liftedAt?: Date | null }): string {
  const what = scopeWords(s.scopes);
  const capital = what.charAt(0).toUpperCase() + what.slice(1);
  if (s.state === "SCHEDULED") return `${capital} to be suspended from ${formatJst(s.startsAt)}`;
  if (s.state === "LIFTED") return `${capital} suspended ${formatJst(s.startsAt)} – ${s.liftedAt ? formatJst(s.liftedAt) : "?"} (lifted)`;
  return `${capital} suspended since ${formatJst(s.startsAt)}`;
}
