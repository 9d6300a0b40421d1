// accounts.*: thin procedures over the accounts services. Roles per procedure: shared/accounts/access.ts.
import { z } from "zod";
import { DEFAULT_FLAG_THRESHOLD, FACTS_WINDOW_DAYS, SCORE_MAX, SCORING_RULES } from "../../../shared/accounts/index.ts";
import { AccountActionInput, AccountFilters, AccountIdInput, ListAccountsInput, RescoreAllInput, RingViewInput, VictimsInput } from "../../../shared/accounts/schemas.ts";
import { router } from "../../trpc/init.ts";
import { readProcedure, staffProcedure } from "../../trpc/procedures.ts";
import { RING_SETTING_RULES } from "../../../shared/accounts/ring-settings.ts";
import { applyAccountAction } from "./actions.ts";
import { getAccount } from "./detail.ts";
import { ringView } from "./ring-view.ts";
import { countAccounts, listAccounts } from "./list.ts";
import { rescoreStatus, startRescoreAll } from "./rescore-job.ts";
import { listVictims } from "./victims.ts";
import { claimNextReview, releaseReview, reviewQueueStats } from "./review-queue.ts";
import { allBanks } from "../../db/queries/banks.ts";
import { BacktestIdInput, CreateDraftInput, RollbackInput, SetBandsInput, UpdateDraftInput, VersionActionInput, VersionIdInput } from "../../../shared/accounts/rule-version-schemas.ts";
import { activateVersion, activeRuleSettings, createDraft, listRuleVersions, rollbackVersion, ruleStats, setBands, updateDraft } from "./rule-versions.ts";
import { backtestStatus, latestBacktest, startBacktest } from "./rule-backtest.ts";

export const accountsRouter = router({
  list: readProcedure.input(ListAccountsInput).query(({ ctx, input }) => listAccounts(ctx.pool, input)),
  count: readProcedure.input(AccountFilters).query(({ ctx, input }) => countAccounts(ctx.pool, input)),
  get: staffProcedure.input(AccountIdInput).query(({ ctx, input }) => getAccount(ctx.pool, input.accountId)),
  /** The ring view: connected wallets over devices, IPs and bank accounts (bulk freeze is accounts.freeze on the selection). */
  ring: staffProcedure.input(RingViewInput).query(({ ctx, input }) => ringView(ctx.pool, input)),
  freeze: staffProcedure.input(AccountActionInput).mutation(({ ctx, input }) => applyAccountAction(ctx.db, ctx.actor, "freeze", input)),
  unfreeze: staffProcedure.input(AccountActionInput).mutation(({ ctx, input }) => applyAccountAction(ctx.db, ctx.actor, "unfreeze", input)),
  markConfirmedFraud: staffProcedure.input(AccountActionInput).mutation(({ ctx, input }) => applyAccountAction(ctx.db, ctx.actor, "markConfirmedFraud", input)),
  markLegitimate: staffProcedure.input(AccountActionInput).mutation(({ ctx, input }) => applyAccountAction(ctx.db, ctx.actor, "markLegitimate", input)),
  rescoreAll: staffProcedure.input(RescoreAllInput).mutation(({ ctx, input }) => startRescoreAll(ctx.deps.db, ctx.actor, input.reason)),
  rescoreStatus: staffProcedure.input(z.void()).query(({ ctx }) => rescoreStatus(ctx.deps.db)),
  /** The rules as the active version sets them (points, thresholds, enabled), with the code's descriptions. */
  rules: staffProcedure.input(z.void()).query(async ({ ctx }) => {
    const active = await activeRuleSettings(ctx.deps.db.pool);
    return {
      threshold: DEFAULT_FLAG_THRESHOLD,
      scoreMax: SCORE_MAX,
      factsWindowDays: FACTS_WINDOW_DAYS,
      version: active.versionId,
      // the rule table's rules, then the ring signals (their points go on top, to wallets near flagged ones)
      rules: [...SCORING_RULES, ...RING_SETTING_RULES].map((r) => ({
        code: r.code as string,
        title: r.title,
        description: r.description,
        enabled: active.settings[r.code].enabled,
        points: active.settings[r.code].points,
        params: { ...active.settings[r.code].params },
      })),
    };
  }),
  /** Banks for the table's bank filter. */
  banks: staffProcedure.input(z.void()).query(({ ctx }) => allBanks(ctx.pool)),
  /** Review queue: take (or keep) the next unreviewed flagged wallet; give it back; the queue's state. */
  reviewNext: staffProcedure.input(z.void()).mutation(({ ctx }) => claimNextReview(ctx.db, ctx.actor)),
  reviewRelease: staffProcedure.input(AccountIdInput).mutation(({ ctx, input }) => releaseReview(ctx.db, ctx.actor, input.accountId)),
  reviewStats: readProcedure.input(z.void()).query(({ ctx }) => reviewQueueStats(ctx.pool)),
  victims: readProcedure.input(VictimsInput).query(({ ctx, input }) => listVictims(ctx.pool, { bank: input.bank })),
  /** Rule versions (#16): the catalogue and every version, drafts, backtests, activation, rollback, bands, per-rule statistics. */
  ruleVersions: staffProcedure.input(z.void()).query(({ ctx }) => listRuleVersions(ctx.deps.db)),
  ruleDraft: staffProcedure.input(CreateDraftInput).mutation(({ ctx, input }) => createDraft(ctx.deps.db, ctx.actor, input)),
  ruleUpdateDraft: staffProcedure.input(UpdateDraftInput).mutation(({ ctx, input }) => updateDraft(ctx.deps.db, ctx.actor, input)),
  ruleBacktest: staffProcedure.input(VersionActionInput).mutation(({ ctx, input }) => startBacktest(ctx.deps.db, ctx.actor, input)),
  ruleBacktestStatus: staffProcedure.input(BacktestIdInput).query(({ ctx, input }) => backtestStatus(ctx.deps.db, input.backtestId)),
  ruleLatestBacktest: staffProcedure.input(VersionIdInput).query(({ ctx, input }) => latestBacktest(ctx.deps.db, input.versionId)),
  ruleActivate: staffProcedure.input(VersionActionInput).mutation(({ ctx, input }) => activateVersion(ctx.deps.db, ctx.actor, input)),
  ruleRollback: staffProcedure.input(RollbackInput).mutation(({ ctx, input }) => rollbackVersion(ctx.deps.db, ctx.actor, input)),
  ruleSetBands: staffProcedure.input(SetBandsInput).mutation(({ ctx, input }) => setBands(ctx.deps.db, ctx.actor, input)),
  ruleStats: readProcedure.input(z.void()).query(({ ctx }) => ruleStats(ctx.pool)),
});
