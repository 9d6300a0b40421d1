// One proposed action in a sentence (the banner strip, the bank page's panel): "Proposed: suspend new
// registrations at The 77 Bank from 02:10 JST", or that the bank is already suspended for it.
import { useTranslation } from "react-i18next";
import { useFormat } from "../../components/format.tsx";
import { useScopeWords } from "../../i18n/words.ts";
import type { Proposal } from "./queries.ts";

export function useProposalWords() {
  const { t } = useTranslation("suspensions");
  const fmt = useFormat();
  const scopeWords = useScopeWords();
  return (p: Proposal) => {
    const bank = fmt.bank(p.bankName, p.bankNameJa);
    // A decided proposal reads as what was proposed (its own confirmation covers it now).
    const covered = p.status === "PENDING" ? p.coveredScopes : [];
    const rest = p.scopes.filter((s) => !covered.includes(s));
    if (rest.length === 0) return t("proposal.covered", { bank, scopes: scopeWords(covered) });
    const line = t("proposal.line", { scopes: scopeWords(rest), bank, at: new Date(p.cutoffAt) });
    return covered.length > 0 ? `${line} ${t("proposal.partlyCovered", { scopes: scopeWords(covered) })}` : line;
  };
}
