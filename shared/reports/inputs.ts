import { z } from "zod";
import { instant } from "../schema-blocks.ts";
import { BankCode } from "../bank-code.ts";

/** As of a chosen time (default: now). */
export const RegulatorReportInput = z.object({ asOf: instant().optional() }).optional();
export const EvidencePackInput = z.object({ bankCode: BankCode });
